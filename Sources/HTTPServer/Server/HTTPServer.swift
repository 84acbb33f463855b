import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on non-blocking sockets driven by Dispatch: an accept loop on its own
/// queue, and one serial queue per connection for its read, write and timer sources.
///
/// Each request's handler runs in a Swift task of its own, on its connection's queue (so a
/// request is read, handled and answered without waking another thread). When the client goes while it runs,
/// that task is cancelled (`Task.isCancelled`, `withTaskCancellationHandler` and cancellable
/// awaits such as `Task.sleep` see it), and the observer is told ``HTTPRequestOutcome/clientGone``:
/// - a reset or socket error: the connection is closed at once and the response, when the handler
///   returns one, is dropped;
/// - an EOF (the client closed, or only half-closed with `shutdown(SHUT_WR)` after its request):
///   treated as abandonment, as nginx does by default, because the two cannot be told apart
///   before a write and HTTP clients close rather than half-close. A response the handler returns
///   all the same is still written, best effort and with `Connection: close`, so a half-closing
///   client gets what the handler chose to finish; requests pipelined behind it are not served.
/// Closing a connection for any other reason (a timeout, shutdown's grace period running out)
/// cancels its handler too.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0)) { request in
///     HTTPResponse(status: 200, text: "hello")
/// }
/// try server.start()
/// print(server.port)
/// await server.shutdown()
/// ```
public final class HTTPServer: @unchecked Sendable {
    public let configuration: HTTPServerConfiguration
    let handler: HTTPHandler

    private enum State { case created, running, stopping, stopped }

    private let lock = NSLock()
    // Guarded by `lock`:
    private var state = State.created
    private var connections: [Int: HTTPConnection] = [:]
    private var nextConnectionID = 0
    private var inFlight = 0
    private var boundPort = 0
    private var drainWaiters: [Int: CheckedContinuation<Bool, Never>] = [:]
    private var nextWaiterID = 0

    // Touched only on `acceptQueue`:
    private let acceptQueue = DispatchQueue(label: "HTTPServer.accept")
    private var listener: Int32 = -1
    private var acceptSource: DispatchSourceRead?
    private var acceptPaused = false
    private var listenerClosed: CheckedContinuation<Void, Never>?

    public init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// Binds, listens and starts accepting. Throws `SocketError` (e.g. EADDRINUSE from "bind").
    public func start() throws(SocketError) {
        let address = try SocketAddress(host: configuration.host, port: configuration.port)
        let fd = try Socket.listen(on: address, backlog: configuration.backlog)
        let port: Int
        do {
            port = try Socket.localAddress(fd).port
        } catch {
            Socket.close(fd)
            throw error
        }
        let started = locked { () -> Bool in
            guard state == .created else { return false }
            state = .running
            boundPort = port
            return true
        }
        guard started else {
            Socket.close(fd)
            throw SocketError(call: "start (server already started)", errorNumber: EINVAL)
        }
        acceptQueue.sync {
            listener = fd
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
            source.setEventHandler { [self] in acceptPending() }
            source.setCancelHandler { [self] in
                Socket.close(fd)
                listenerClosed?.resume()
                listenerClosed = nil
            }
            acceptSource = source
            source.activate()
        }
    }

    /// The bound port (the kernel's choice when configured with 0); 0 before `start()`.
    public var port: Int { locked { boundPort } }

    /// Connections currently open.
    public var openConnections: Int { locked { connections.count } }

    /// Requests currently inside the handler.
    public var inFlightRequests: Int { locked { inFlight } }

    /// Stops accepting (the listener is closed), closes idle keep-alive connections, lets requests
    /// in progress finish (their responses carry `Connection: close`) for up to `gracePeriod`
    /// (default: the configuration's), then closes whatever is left and returns. Safe to call from
    /// any thread or task, e.g. `Task { await server.shutdown() }` in a DispatchSource signal handler;
    /// later calls return at once.
    public func shutdown(gracePeriod: Duration? = nil) async {
        let open = locked { () -> [HTTPConnection]? in
            guard state == .running else {
                state = .stopped
                return nil
            }
            state = .stopping
            return Array(connections.values)
        }
        guard let open else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            acceptQueue.async { [self] in
                guard let source = acceptSource else {
                    continuation.resume()
                    return
                }
                listenerClosed = continuation
                source.cancel()
                if acceptPaused { source.resume() }
                acceptSource = nil
            }
        }
        for connection in open {
            connection.queue.async { connection.beginDrain() }
        }
        let drained = await waitForConnectionsToClose(timeout: gracePeriod ?? configuration.shutdownGracePeriod)
        if !drained {
            for connection in locked({ Array(connections.values) }) {
                connection.queue.async { connection.close() }
            }
            _ = await waitForConnectionsToClose(timeout: .seconds(5))
        }
        locked { state = .stopped }
    }

    /// `shutdown(gracePeriod:)` for callers outside Swift concurrency; `completion` runs when it returns.
    public func shutdown(gracePeriod: Duration? = nil, completion: @escaping @Sendable () -> Void) {
        Task {
            await shutdown(gracePeriod: gracePeriod)
            completion()
        }
    }

    // MARK: - Accepting

    private func acceptPending() {
        // A bounded batch per wake-up keeps one busy listener from starving the queue.
        for _ in 0..<64 {
            let accepted: (fd: Int32, remote: SocketAddress)?
            do {
                accepted = try Socket.accept(listener)
            } catch where error.errorNumber == ECONNABORTED || error.errorNumber == EPROTO {
                continue
            } catch {
                // EMFILE, ENFILE, ENOBUFS, ENOMEM: the listener stays readable, so back off instead of spinning.
                pauseAccepting()
                return
            }
            guard let accepted else { return }
            admit(fd: accepted.fd, remote: accepted.remote)
        }
    }

    private func pauseAccepting() {
        guard !acceptPaused, let source = acceptSource else { return }
        source.suspend()
        acceptPaused = true
        acceptQueue.asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in
            guard acceptPaused, let source = acceptSource else { return }
            acceptPaused = false
            source.resume()
        }
    }

    private func admit(fd: Int32, remote: SocketAddress) {
        let connection = locked { () -> HTTPConnection? in
            guard state == .running, connections.count < configuration.maxConnections else { return nil }
            nextConnectionID += 1
            let connection = HTTPConnection(id: nextConnectionID, fd: fd, remoteAddress: remote.description, server: self)
            connections[nextConnectionID] = connection
            // Started under the lock so that its start is queued before any drain that shutdown queues.
            connection.start()
            return connection
        }
        if connection == nil { refuse(fd) }
    }

    /// Over the connection limit: one best-effort 503, then close without waiting on the peer.
    private func refuse(_ fd: Int32) {
        _ = ResponseWriter.overloaded.withUnsafeBytes { try? Socket.send(fd, $0) }
        Socket.shutdownWrite(fd)
        // Reading what already arrived avoids a reset that could destroy the 503 in flight.
        var scratch = [UInt8](repeating: 0, count: 4096)
        _ = scratch.withUnsafeMutableBytes { try? Socket.receive(fd, into: $0) }
        Socket.close(fd)
        configuration.observer?(HTTPRequestObservation(method: nil, path: nil, status: 503, duration: .zero,
                                                       requestBodyBytes: 0, responseBodyBytes: 28))
    }

    // MARK: - Bookkeeping called by connections

    func requestStarted() {
        locked { inFlight += 1 }
    }

    func requestFinished() {
        locked { inFlight -= 1 }
    }

    func connectionClosed(_ id: Int) {
        let waiters = locked { () -> [CheckedContinuation<Bool, Never>] in
            connections.removeValue(forKey: id)
            guard connections.isEmpty else { return [] }
            defer { drainWaiters.removeAll() }
            return Array(drainWaiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// True once no connection is open; false if `timeout` passes first.
    private func waitForConnectionsToClose(timeout: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let waiterID = locked { () -> Int? in
                guard !connections.isEmpty else { return nil }
                nextWaiterID += 1
                drainWaiters[nextWaiterID] = continuation
                return nextWaiterID
            }
            guard let waiterID else {
                continuation.resume(returning: true)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout.dispatchInterval) { [self] in
                if let waiter = locked({ drainWaiters.removeValue(forKey: waiterID) }) {
                    waiter.resume(returning: false)
                }
            }
        }
    }

    private func locked<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
