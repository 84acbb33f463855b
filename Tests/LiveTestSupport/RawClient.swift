import Foundation
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// A failed socket call of `RawClient`, with its errno.
public struct RawClientError: Error, Equatable, CustomStringConvertible {
    public var call: String
    public var errorNumber: Int32

    public init(call: String, errorNumber: Int32) {
        self.call = call
        self.errorNumber = errorNumber
    }

    public var description: String { "\(call): \(String(cString: strerror(errorNumber)))" }
}

/// A response as read off the wire by `RawClient`.
public struct RawResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed as a JSON object (problem details, /v1/model, json depth), or nil.
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
}

/// A blocking TCP client that writes exact bytes and reads responses, for the live tests of the
/// server and of the service. Every read has a receive timeout, so a test fails instead of
/// hanging. The blocking calls run on a serial queue of the client's own (an overcommitting
/// Dispatch thread), never on Swift concurrency's cooperative pool or Dispatch's width-limited
/// global queues: on a 2-core machine, blocking either starves the servers under test.
public final class RawClient: @unchecked Sendable {
    public let fd: Int32
    private var isOpen = true
    private let ioQueue = DispatchQueue(label: "RawClient")
    private var buffer: [UInt8] = []

    /// Connects to `host` (an IPv4 or IPv6 literal). `receiveBufferBytes` shrinks the kernel's
    /// receive buffer (set before connecting, so the advertised window stays small), as a
    /// slow-read attacker does.
    public init(host: String = "127.0.0.1", port: Int, receiveTimeout: Int = 30, receiveBufferBytes: Int32? = nil) throws {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let address = found?.pointee else {
            throw RawClientError(call: "getaddrinfo", errorNumber: EINVAL)
        }
        defer { freeaddrinfo(found) }
        fd = try Self.check("socket", socket(address.ai_family, Int32(SOCK_STREAM.rawValue), 0))
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBufferBytes {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if connect(fd, address.ai_addr, address.ai_addrlen) != 0 {
            let error = RawClientError(call: "connect", errorNumber: errno)
            Glibc.close(fd)
            throw error
        }
    }

    deinit { if isOpen { Glibc.close(fd) } }

    /// Closes the connection now (FIN, or with `resetting` a reset: SO_LINGER 0, unsent bytes
    /// discarded), as a client that gives up on its request does. Call nothing else afterwards.
    public func close(resetting: Bool = false) {
        guard isOpen else { return }
        if resetting {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        isOpen = false
        Glibc.close(fd)
    }

    public func send(_ text: String) async throws {
        try await send(bytes: Array(text.utf8))
    }

    public func send(bytes: [UInt8]) async throws {
        try await offload { try self.sendBlocking(bytes) }
    }

    /// Sends one request with a Content-Length body (and Host) and reads its response.
    public func request(_ method: String, _ target: String, headers: [(String, String)] = [],
                        body: [UInt8] = []) async throws -> RawResponse {
        try await send(bytes: Self.head(method, target, headers: headers, bodyLength: body.count) + body)
        guard let response = try await readResponse(bodyExpected: method != "HEAD") else {
            throw RawClientError(call: "readResponse: closed without a response", errorNumber: EPROTO)
        }
        return response
    }

    /// A request head with Host, the given fields, and Content-Length when there is a body (or a POST).
    public static func head(_ method: String, _ target: String, headers: [(String, String)], bodyLength: Int) -> [UInt8] {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if bodyLength > 0 || method == "POST" { text += "Content-Length: \(bodyLength)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// Reads one response (an interim 1xx too); nil if the server closed before sending one.
    public func readResponse(bodyExpected: Bool = true) async throws -> RawResponse? {
        try await offload { try self.readResponseBlocking(bodyExpected: bodyExpected) }
    }

    /// Takes at most `limit` bytes off the socket, waiting for at least one; 0 at end of stream or reset.
    public func receive(upTo limit: Int) async throws -> Int {
        try await offload {
            var chunk = [UInt8](repeating: 0, count: limit)
            return try self.receiveBlocking(into: &chunk)
        }
    }

    /// True when the server has closed the connection (EOF or reset) and sent nothing more.
    public func isClosedByServer() async throws -> Bool {
        try await offload { try self.isClosedByServerBlocking() }
    }

    /// Stops sending (half-close), as a client that has sent its whole request may do.
    public func shutdownWrite() {
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    private func offload<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            ioQueue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private static func check(_ call: String, _ result: Int32) throws -> Int32 {
        guard result >= 0 else { throw RawClientError(call: call, errorNumber: errno) }
        return result
    }

    private func sendBlocking(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw RawClientError(call: "send", errorNumber: errno)
            }
            offset += written
        }
    }

    /// One recv into `chunk`; 0 at end of stream or reset.
    private func receiveBlocking(into chunk: inout [UInt8]) throws -> Int {
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case ECONNRESET: return 0
            default: throw RawClientError(call: "recv", errorNumber: errno)
            }
        }
    }

    /// Reads more bytes into the buffer; false at end of stream (or reset).
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = try receiveBlocking(into: &chunk)
        buffer.append(contentsOf: chunk[0..<count])
        return count > 0
    }

    private func readResponseBlocking(bodyExpected: Bool) throws -> RawResponse? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { Array(buffer[$0..<$0 + 4]) == terminator }
            }
            if headEnd != nil { break }
            guard try fill() else {
                if buffer.isEmpty { return nil }
                throw RawClientError(call: "readResponse: truncated head", errorNumber: EPROTO)
            }
        }
        let end = headEnd!
        let lines = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeFirst(end + 4)
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw RawClientError(call: "readResponse: bad status line \(lines[0])", errorNumber: EPROTO)
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            headers.add(name: String(pair[0]), value: pair.count > 1 ? pair[1].trimmingCharacters(in: .whitespaces) : "")
        }
        var body: [UInt8] = []
        if bodyExpected, !(100..<200).contains(status), let length = headers["Content-Length"].flatMap({ Int($0) }) {
            while buffer.count < length {
                guard try fill() else { throw RawClientError(call: "readResponse: truncated body", errorNumber: EPROTO) }
            }
            body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        }
        return RawResponse(status: status, headers: headers, body: body)
    }

    private func isClosedByServerBlocking() throws -> Bool {
        if !buffer.isEmpty { return false }
        return try !fill() && buffer.isEmpty
    }
}
