import Foundation
@testable import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// A response as read off the wire by `RawClient`.
struct RawResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking TCP client that writes exact bytes and reads responses, for tests. Every read has
/// a receive timeout, so a test fails instead of hanging. The blocking calls run on a serial
/// queue of the client's own (an overcommitting Dispatch thread), never on Swift concurrency's
/// cooperative pool or Dispatch's width-limited global queues: on a 2-core machine, blocking
/// either starves the servers under test.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    private let ioQueue = DispatchQueue(label: "RawClient")
    private var buffer: [UInt8] = []

    /// `receiveBufferBytes` shrinks the kernel's receive buffer (set before connecting, so the
    /// advertised window stays small), as a slow-read attacker does.
    init(host: String = "127.0.0.1", port: Int, receiveTimeout: Int = 30, receiveBufferBytes: Int32? = nil) throws {
        let address = try SocketAddress(host: host, port: port)
        fd = try syscall("socket") { socket(address.family, Int32(SOCK_STREAM.rawValue), 0) }
        if var size = receiveBufferBytes {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        do {
            _ = try address.withSockaddr { (pointer, length) throws(SocketError) in
                try syscall("connect") { connect(fd, pointer, length) }
            }
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) async throws {
        try await send(bytes: Array(text.utf8))
    }

    func send(bytes: [UInt8]) async throws {
        try await offload { try self.sendBlocking(bytes) }
    }

    /// Reads one response (an interim 1xx too); nil if the server closed before sending one.
    func readResponse(bodyExpected: Bool = true) async throws -> RawResponse? {
        try await offload { try self.readResponseBlocking(bodyExpected: bodyExpected) }
    }

    /// Takes at most `limit` bytes off the socket, waiting for at least one; 0 at end of stream or reset.
    func receive(upTo limit: Int) async throws -> Int {
        try await offload {
            var chunk = [UInt8](repeating: 0, count: limit)
            return try chunk.withUnsafeMutableBytes { raw -> Int in
                do {
                    return try syscall("recv") { recv(self.fd, raw.baseAddress, raw.count, 0) }
                } catch let error as SocketError where error.errorNumber == ECONNRESET {
                    return 0
                }
            }
        }
    }

    /// True when the server has closed the connection (EOF or reset) and sent nothing more.
    func isClosedByServer() async throws -> Bool {
        try await offload { try self.isClosedByServerBlocking() }
    }

    private func offload<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            ioQueue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func sendBlocking(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = try bytes.withUnsafeBytes { raw in
                try syscall("send") { Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            offset += written
        }
    }

    /// Reads more bytes into the buffer; false at end of stream (or reset).
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = try chunk.withUnsafeMutableBytes { raw -> Int in
            do {
                return try syscall("recv") { recv(fd, raw.baseAddress, raw.count, 0) }
            } catch let error as SocketError where error.errorNumber == ECONNRESET {
                return 0
            }
        }
        buffer.append(contentsOf: chunk[0..<count])
        return count > 0
    }

    private func readResponseBlocking(bodyExpected: Bool) throws -> RawResponse? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while true {
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { Array(buffer[$0..<$0 + 4]) == terminator }
            }
            if headEnd != nil { break }
            guard try fill() else {
                if buffer.isEmpty { return nil }
                throw SocketError(call: "readResponse: truncated head", errorNumber: EPROTO)
            }
        }
        let end = headEnd!
        let lines = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeFirst(end + 4)
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw SocketError(call: "readResponse: bad status line \(lines[0])", errorNumber: EPROTO)
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            headers.add(name: String(pair[0]), value: pair.count > 1 ? pair[1].trimmingCharacters(in: .whitespaces) : "")
        }
        var body: [UInt8] = []
        if bodyExpected, !(100..<200).contains(status), let length = headers["Content-Length"].flatMap({ Int($0) }) {
            while buffer.count < length {
                guard try fill() else { throw SocketError(call: "readResponse: truncated body", errorNumber: EPROTO) }
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

    /// Stops sending (half-close), as a client that has sent its whole request may do.
    func shutdownWrite() {
        _ = shutdown(fd, Int32(SHUT_WR))
    }
}
