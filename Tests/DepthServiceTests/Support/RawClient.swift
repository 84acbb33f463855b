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
    /// The body parsed as a JSON object (problem details, /v1/model, json depth), or nil.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
}

/// A blocking TCP client that writes exact bytes and reads responses (the pattern of
/// Tests/HTTPServerTests/Support/RawClient.swift). Every read has a receive timeout, and the
/// blocking calls run on the client's own serial Dispatch queue, never on Swift concurrency's
/// cooperative threads, which the server under test needs.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    private let ioQueue = DispatchQueue(label: "DepthServiceTests.RawClient")
    private var buffer: [UInt8] = []

    init(port: Int, receiveTimeout: Int = 30) throws {
        let address = try SocketAddress(host: "127.0.0.1", port: port)
        fd = try syscall("socket") { socket(address.family, Int32(SOCK_STREAM.rawValue), 0) }
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

    func send(_ bytes: [UInt8]) async throws {
        try await offload { try self.sendBlocking(bytes) }
    }

    /// Sends one request with a Content-Length body (and Host) and reads its response.
    func request(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) async throws -> RawResponse {
        try await send(Self.head(method, target, headers: headers, bodyLength: body.count) + body)
        guard let response = try await readResponse(bodyExpected: method != "HEAD") else {
            throw SocketError(call: "readResponse: closed without a response", errorNumber: EPROTO)
        }
        return response
    }

    static func head(_ method: String, _ target: String, headers: [(String, String)], bodyLength: Int) -> [UInt8] {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if bodyLength > 0 || method == "POST" { text += "Content-Length: \(bodyLength)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// Reads one response; nil if the server closed before sending one.
    func readResponse(bodyExpected: Bool = true) async throws -> RawResponse? {
        try await offload { try self.readResponseBlocking(bodyExpected: bodyExpected) }
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
        guard let end = headEnd else { return nil }
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
}
