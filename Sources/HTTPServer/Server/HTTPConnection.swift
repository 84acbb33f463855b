import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One client connection: reads and parses requests, runs the handler for one request at a time
/// (so pipelined requests are answered in order), writes responses, and enforces the timeouts.
/// All mutable state is touched only on `queue`, a serial queue of its own.
///
/// While the handler runs, the socket stays watched: an EOF or a reset from the peer cancels the
/// handler's task (the client has gone), and bytes of a pipelined next request are kept in the
/// parser, up to ``maxBufferedWhileHandling``; beyond that they wait in the kernel.
final class HTTPConnection: @unchecked Sendable {
    private enum Phase {
        case awaitingRequest, readingHead, readingBody, handling, writing, lingering, closed
    }

    private enum WriteWatch { case inactive, watching, paused }

    /// What follows once the output buffer has been written out.
    private enum AfterFlush { case nothing, awaitNextRequest, lingerThenClose }

    let id: Int
    let queue: DispatchQueue
    private let fd: Int32
    private let remoteAddress: String
    private let configuration: HTTPServerConfiguration
    private let handler: HTTPHandler
    private let server: HTTPServer

    private var parser: HTTPRequestParser
    private var readSource: DispatchSourceRead?
    private var writeSource: DispatchSourceWrite?
    private var timer: DispatchSourceTimer?
    /// When the current phase's timeout falls due; nil when it has none.
    private var deadline: ContinuousClock.Instant?
    /// What `timer` is scheduled for; nil when it is not.
    private var timerArmedFor: ContinuousClock.Instant?
    private let executor: ConnectionExecutor
    private var dateCache = ResponseWriter.DateCache()
    private var readPaused = false
    private var writeWatch = WriteWatch.inactive
    private var sourcesToCancel = 2

    private var phase = Phase.awaitingRequest
    private var output = PendingOutput()
    private var afterFlush = AfterFlush.nothing
    private var requestsServed = 0
    /// The peer sent EOF or reset: it can send nothing more (and, while handling, has gone).
    private var peerClosed = false
    private var draining = false
    private var requestStart: ContinuousClock.Instant?
    /// When every byte of the responses written so far must have reached the peer
    /// (``HTTPServerConfiguration/minimumResponseRate``); nil when nothing is owed.
    private var deliveryDeadline: ContinuousClock.Instant?
    private var idleDeadline: ContinuousClock.Instant?
    private var resetOnClose = false
    private var currentHead: HTTPRequestHead?
    /// The task running the handler for the current request; nil when none runs.
    private var handlerTask: Task<Void, Never>?
    /// Pipelined bytes read while a handler runs, at most: past this reading pauses until the
    /// response is written (the peer's bytes wait in the kernel, and EOF is no longer noticed).
    static let maxBufferedWhileHandling = 64 * 1024
    // 32 KiB per connection: large uploads still take few reads, 1024 idle connections cost 32 MiB.
    private var readBuffer = [UInt8](repeating: 0, count: 32 * 1024)

    init(id: Int, fd: Int32, remoteAddress: String, server: HTTPServer) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.server = server
        self.configuration = server.configuration
        self.handler = server.handler
        self.parser = HTTPRequestParser(limits: server.configuration.limits)
        self.queue = DispatchQueue(label: "HTTPServer.connection.\(id)")
        self.executor = ConnectionExecutor(queue: queue)
    }

    func start() {
        queue.async { [self] in
            let read = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            read.setEventHandler { [self] in readable() }
            read.setCancelHandler { [self] in sourceCancelled() }
            let write = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            write.setEventHandler { [self] in flush() }
            write.setCancelHandler { [self] in sourceCancelled() }
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.setEventHandler { [self] in timerFired() }
            readSource = read
            writeSource = write
            self.timer = timer
            timer.activate()
            read.activate()
            enter(.awaitingRequest)
        }
    }

    /// Shutdown has begun: an idle connection closes now, a busy one after its current response.
    func beginDrain() {
        draining = true
        if phase == .awaitingRequest, parser.isIdle { close() }
    }

    // MARK: - Reading

    private func readable() {
        guard phase != .closed else { return }
        let count: Int?
        do {
            count = try readBuffer.withUnsafeMutableBytes { buffer throws(SocketError) in try Socket.receive(fd, into: buffer) }
        } catch {
            // A reset (or any error): nothing can be sent any more; close() cancels a running handler.
            peerClosed = true
            close()
            return
        }
        guard let count else { return }
        if count == 0 {
            peerClosed = true
            if phase == .handling {
                // The client has gone (or only half-closed: the two look alike until a write, and
                // clients that half-close are rare). The task is cancelled; a response it still
                // returns is written with Connection: close. EOF stays readable, so stop watching.
                handlerTask?.cancel()
                pauseReading()
                return
            }
            // The peer can send nothing more: whatever is half received never completes.
            close()
            return
        }
        if phase == .lingering { return }
        parser.append(readBuffer[0..<count])
        if phase == .handling {
            // A pipelined next request: parsed once this response is written.
            if parser.unconsumedByteCount >= Self.maxBufferedWhileHandling { pauseReading() }
            return
        }
        process()
    }

    /// Drives the parser until it needs more bytes or a request goes to the handler.
    private func process() {
        while phase == .awaitingRequest || phase == .readingHead || phase == .readingBody {
            if requestStart == nil, parser.hasUnconsumedBytes { requestStart = .now }
            let event: HTTPParserEvent?
            do {
                event = try parser.next()
            } catch {
                reject(error)
                return
            }
            guard let event else {
                if phase == .awaitingRequest, !parser.isIdle { enter(.readingHead) }
                return
            }
            switch event {
            case .head(let head):
                currentHead = head
                guard head.hasBody else { continue }
                enter(.readingBody)
                if head.expectsContinue {
                    if let rejection = configuration.continueHandler?(head) {
                        respond(rejection, to: head, requestBodyBytes: 0, forceClose: true)
                        return
                    }
                    send(ResponseWriter.continueLine)
                }
            case .message(let head, let body):
                runHandler(head: head, body: body)
                return
            }
        }
    }

    // MARK: - Handling and responding

    private func runHandler(head: HTTPRequestHead, body: [UInt8]) {
        enter(.handling)
        // Reading goes on (see the type's comment) unless enough pipelined input is already buffered.
        if parser.unconsumedByteCount >= Self.maxBufferedWhileHandling { pauseReading() } else { resumeReading() }
        let request = HTTPRequest(head: head, body: body, remoteAddress: remoteAddress)
        let handler = handler
        server.requestStarted()
        handlerTask = Task(executorPreference: executor) { [self] in
            let response = await handler(request)
            queue.async { [self] in finishHandling(response, to: head, requestBodyBytes: body.count) }
        }
    }

    private func finishHandling(_ response: HTTPResponse, to head: HTTPRequestHead, requestBodyBytes: Int) {
        server.requestFinished()
        handlerTask = nil
        // Outside handling, an EOF or a reset closes the connection at once (and no handler runs):
        // set here, the client went while this handler ran.
        let gone = peerClosed
        guard phase != .closed else {
            if gone {
                observe(method: head.method, path: head.path, status: response.status,
                        requestBodyBytes: requestBodyBytes, responseBodyBytes: response.body.count, outcome: .clientGone)
            }
            return
        }
        // peerClosed already keeps the connection from staying alive.
        respond(response, to: head, requestBodyBytes: requestBodyBytes, forceClose: false,
                outcome: gone ? .clientGone : .responded)
    }

    private func respond(_ response: HTTPResponse, to head: HTTPRequestHead, requestBodyBytes: Int, forceClose: Bool,
                         outcome: HTTPRequestOutcome = .responded) {
        requestsServed += 1
        let handlerCloses = response.headers.lowercasedTokens(for: "Connection").contains("close")
        let keepAlive = !forceClose && head.keepAlive && !draining && !peerClosed && !handlerCloses
            && requestsServed < configuration.maxRequestsPerConnection
        let byteCount = ResponseWriter.serialize(response, into: &output, keepAlive: keepAlive, includeBody: head.method != "HEAD",
                                                 serverName: configuration.serverName, date: dateCache.current(),
                                                 http10KeepAlive: keepAlive && head.version == .http1_0)
        observe(method: head.method, path: head.path, status: response.status,
                requestBodyBytes: requestBodyBytes, responseBodyBytes: response.body.count, outcome: outcome)
        write(byteCount: byteCount, then: keepAlive ? .awaitNextRequest : .lingerThenClose)
    }

    /// Answers a request the parser refused (or that timed out), then closes.
    private func reject(_ error: HTTPParseError) {
        var response = configuration.errorResponder?(error) ?? HTTPResponse(rejecting: error)
        response.status = error.status
        let byteCount = ResponseWriter.serialize(response, into: &output, keepAlive: false, includeBody: true,
                                                 serverName: configuration.serverName, date: dateCache.current())
        observe(method: currentHead?.method, path: currentHead?.path, status: error.status,
                requestBodyBytes: 0, responseBodyBytes: response.body.count)
        write(byteCount: byteCount, then: .lingerThenClose)
    }

    private func observe(method: String?, path: String?, status: Int, requestBodyBytes: Int, responseBodyBytes: Int,
                         outcome: HTTPRequestOutcome = .responded) {
        let start = requestStart ?? .now
        requestStart = nil
        currentHead = nil
        configuration.observer?(HTTPRequestObservation(
            method: method, path: path, status: status, duration: .now - start,
            requestBodyBytes: requestBodyBytes, responseBodyBytes: responseBodyBytes, outcome: outcome))
    }

    private func awaitNextRequest() {
        enter(.awaitingRequest)
        if draining, parser.isIdle {
            close()
            return
        }
        resumeReading()
        process()
    }

    /// Shuts the write side and drains input briefly, so the peer reads the response instead of
    /// a reset caused by unread bytes (RFC 9112 9.6).
    private func lingerThenClose() {
        guard !peerClosed else {
            close()
            return
        }
        Socket.shutdownWrite(fd)
        enter(.lingering)
        resumeReading()
    }

    // MARK: - Writing

    /// Writes out a response just appended to `output` (`byteCount` bytes), under the stall timeout
    /// and the delivery deadline. Reading pauses only if the kernel cannot take it all at once.
    private func write(byteCount: Int, then next: AfterFlush) {
        if let rate = configuration.minimumResponseRate, rate > 0 {
            let now = ContinuousClock.now
            let allowance = Duration.seconds(Double(byteCount) / Double(rate))
            // Earlier (pipelined) responses may still wait in the kernel: this one's time comes after theirs.
            if let owed = deliveryDeadline, owed > now {
                deliveryDeadline = owed + allowance
            } else {
                deliveryDeadline = now + configuration.responseRateGracePeriod + allowance
            }
        }
        // No timeout is armed yet: most responses go to the kernel whole, right here.
        phase = .writing
        afterFlush = next
        flush()
    }

    private func send(_ bytes: [UInt8]) {
        output.append { $0 += bytes }
        flush()
    }

    private func flush() {
        guard phase != .closed else { return }
        let complete: Bool
        do {
            complete = try output.write(to: fd)
        } catch {
            close()
            return
        }
        guard complete else {
            // The kernel's buffer is full: wait until it has room, reading nothing meanwhile.
            watchWritable()
            if phase == .writing {
                pauseReading()
                // Each wait for room restarts the stall clock: a peer that reads nothing for
                // the whole timeout is dropped.
                setDeadline(earliest(.now + configuration.writeStallTimeout, deliveryDeadline))
            }
            return
        }
        pauseWatchingWritable()
        if deliveryDeadline != nil, Socket.undeliveredBytes(fd) == 0 { deliveryDeadline = nil }
        let next = afterFlush
        afterFlush = .nothing
        switch next {
        case .nothing: break
        case .awaitNextRequest: awaitNextRequest()
        case .lingerThenClose: lingerThenClose()
        }
    }

    // MARK: - Timeouts

    private func enter(_ next: Phase) {
        phase = next
        switch next {
        case .awaitingRequest:
            let idle = ContinuousClock.now + configuration.idleTimeout
            idleDeadline = idle
            // The last response may still be in the kernel's send buffer, which the peer drains
            // while the server waits for it: the delivery deadline may come first.
            setDeadline(earliest(idle, deliveryDeadline))
        case .readingHead: setDeadline(.now + configuration.headTimeout)
        case .readingBody: setDeadline(.now + configuration.bodyTimeout)
        case .writing: setDeadline(earliest(.now + configuration.writeStallTimeout, deliveryDeadline))
        case .lingering: setDeadline(.now + configuration.lingerTimeout)
        case .handling, .closed: setDeadline(nil)
        }
    }

    /// Sets when the current phase's timeout falls due. The Dispatch timer is moved only when that
    /// is sooner than it is set for: rescheduling it costs as much as the rest of a small request
    /// (profiled), and a timer that fires before the deadline re-arms itself for it. On a busy
    /// keep-alive connection it then fires about once per idle timeout instead of being moved
    /// three times per request.
    private func setDeadline(_ next: ContinuousClock.Instant?) {
        deadline = next
        guard let next else { return }
        if let armed = timerArmedFor, armed <= next { return }
        schedule(next)
    }

    private func schedule(_ due: ContinuousClock.Instant) {
        timerArmedFor = due
        timer?.schedule(deadline: .now() + max(.zero, due - .now).dispatchInterval)
    }

    private func earliest(_ deadline: ContinuousClock.Instant, _ other: ContinuousClock.Instant?) -> ContinuousClock.Instant {
        guard let other else { return deadline }
        return min(deadline, other)
    }

    private func timerFired() {
        timerArmedFor = nil
        guard let due = deadline else { return }
        if due > .now {
            schedule(due)
            return
        }
        switch phase {
        case .readingHead, .readingBody:
            reject(HTTPParseError(.requestTimeout, "request not received within the time limit"))
        case .writing:
            // A peer too slow to take its response: discard what the kernel still holds for it.
            close(resetting: true)
        case .awaitingRequest:
            if let owed = deliveryDeadline, owed <= .now {
                if Socket.undeliveredBytes(fd) > 0 {
                    close(resetting: true)
                    return
                }
                deliveryDeadline = nil
            }
            if let idleDeadline, idleDeadline > .now {
                setDeadline(earliest(idleDeadline, deliveryDeadline))
            } else {
                close()
            }
        case .lingering:
            close()
        case .handling, .closed:
            break
        }
    }

    // MARK: - Sources and closing

    private func pauseReading() {
        guard !readPaused, let readSource else { return }
        readSource.suspend()
        readPaused = true
    }

    private func resumeReading() {
        guard readPaused, let readSource else { return }
        readSource.resume()
        readPaused = false
    }

    private func watchWritable() {
        switch writeWatch {
        case .inactive: writeSource?.activate()
        case .paused: writeSource?.resume()
        case .watching: return
        }
        writeWatch = .watching
    }

    private func pauseWatchingWritable() {
        guard writeWatch == .watching else { return }
        writeSource?.suspend()
        writeWatch = .paused
    }

    /// Closes at once (`resetting`: with a reset, unsent bytes discarded). The descriptor itself is
    /// closed once both sources have been cancelled, so Dispatch never watches a number the kernel
    /// may already have reused.
    func close(resetting: Bool = false) {
        guard phase != .closed else { return }
        resetOnClose = resetting
        enter(.closed)
        // Nobody can be answered any more (reset, timeout, shutdown's deadline): stop the work too.
        handlerTask?.cancel()
        timer?.cancel()
        readSource?.cancel()
        resumeReading()
        writeSource?.cancel()
        switch writeWatch {
        case .inactive: writeSource?.activate()
        case .paused: writeSource?.resume()
        case .watching: break
        }
        writeWatch = .watching
        afterFlush = .nothing
    }

    private func sourceCancelled() {
        sourcesToCancel -= 1
        guard sourcesToCancel == 0 else { return }
        if resetOnClose { Socket.abort(fd) } else { Socket.close(fd) }
        readSource = nil
        writeSource = nil
        timer = nil
        server.connectionClosed(id)
    }
}
