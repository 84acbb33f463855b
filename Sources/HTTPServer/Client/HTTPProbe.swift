#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal blocking HTTP/1.1 GET for health checks, so a container image needs no curl. It
/// sends one request with `Connection: close` and reads only the status line; every step
/// (connect, send, receive) is bounded by `timeout`.
public enum HTTPProbe {
    /// The status code of `GET path` on `host:port`, sent with `User-Agent: userAgent` when given.
    /// Throws `SocketError` when the server cannot be reached or answers nothing recognisable
    /// within `timeout`, and (EINVAL, before connecting) for a path that is not visible ASCII or a
    /// user agent with a control character, which would change the request's framing.
    public static func status(host: String, port: Int, path: String, userAgent: String? = nil,
                              timeout: Duration) throws(SocketError) -> Int {
        guard !path.isEmpty, path.utf8.allSatisfy({ (33...126).contains($0) }) else {
            throw SocketError(call: "HTTPProbe (path not visible ASCII)", errorNumber: EINVAL)
        }
        if let userAgent, !userAgent.utf8.allSatisfy(ASCII.isFieldValueCharacter) {
            throw SocketError(call: "HTTPProbe (control character in the user agent)", errorNumber: EINVAL)
        }
        let address = try SocketAddress(host: host, port: port)
        let fd = try syscall("socket") { socket(address.family, Syscall.streamSocketType(), 0) }
        defer { Socket.close(fd) }
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        try connect(fd, to: address, timeoutMilliseconds: max(1, milliseconds))
        Syscall.setBlockingTimeouts(fd, milliseconds: max(1, milliseconds))
        let hostField = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let userAgentField = userAgent.map { "User-Agent: \($0)\r\n" } ?? ""
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(hostField)\r\n\(userAgentField)Connection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let result = request.withUnsafeBytes { raw in
                Result { () throws(SocketError) in
                    try syscall("send") { Syscall.send(fd, raw.baseAddress! + sent, raw.count - sent) }
                }
            }
            sent += try result.get()
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while !received.contains(10) && received.count < 4096 {
            let result = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(SocketError) in try syscall("recv") { recv(fd, raw.baseAddress, raw.count, 0) } }
            }
            let count = try result.get()
            if count == 0 { break }
            received += chunk[0..<count]
        }
        // "HTTP/1.1 200 OK"
        let line = String(decoding: received.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
            throw SocketError(call: "recv (no HTTP status line in the answer)", errorNumber: EPROTO)
        }
        return code
    }

    /// connect(2) with a deadline: non-blocking connect, poll for writability, then read SO_ERROR.
    private static func connect(_ fd: Int32, to address: SocketAddress, timeoutMilliseconds: Int32) throws(SocketError) {
        try Socket.setNonBlocking(fd)
        let started = address.withSockaddr { pointer, length in Syscall.connect(fd, pointer, length) }
        if started != 0 {
            guard errno == EINPROGRESS else { throw SocketError(call: "connect", errorNumber: errno) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = try syscall("poll") { poll(&descriptor, 1, timeoutMilliseconds) }
            guard ready == 1 else { throw SocketError(call: "connect", errorNumber: ETIMEDOUT) }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
            if failure != 0 { throw SocketError(call: "connect", errorNumber: failure) }
        }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
    }
}
