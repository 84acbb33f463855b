#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, throwing wrappers over the socket calls the server makes; each goes through `syscall`,
/// and those that differ between operating systems through `Syscall`.
enum Socket {
    /// A listening, non-blocking, close-on-exec TCP socket bound to `address`, with SO_REUSEADDR.
    static func listen(on address: SocketAddress, backlog: Int32) throws(SocketError) -> Int32 {
        let fd = try syscall("socket") { socket(address.family, Syscall.streamSocketType(closeOnExec: true), 0) }
        do {
            try setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, label: "setsockopt(SO_REUSEADDR)")
            if address.family == AF_INET6 {
                // A listener on "::1" or "::" serves IPv6 only; bind "0.0.0.0" as well for IPv4.
                try setOption(fd, level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 1, label: "setsockopt(IPV6_V6ONLY)")
            }
            _ = try address.withSockaddr { (pointer, length) throws(SocketError) in
                try syscall("bind") { bind(fd, pointer, length) }
            }
            try syscall("listen") { Syscall.listen(fd, backlog: backlog) }
            try setNonBlocking(fd)
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// Accepts one pending connection; nil when none is pending (EAGAIN). The new socket is
    /// non-blocking, close-on-exec and has TCP_NODELAY.
    static func accept(_ listener: Int32) throws(SocketError) -> (fd: Int32, remote: SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd: Int32
        do {
            fd = try withUnsafeMutablePointer(to: &storage) { pointer throws(SocketError) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SocketError) in
                    try syscall("accept") { Syscall.accept(listener, address, &length) }
                }
            }
        } catch where error.wouldBlock {
            return nil
        }
        do {
            try setNonBlocking(fd)
            _ = try? syscall("fcntl(F_SETFD)") { fcntl(fd, F_SETFD, FD_CLOEXEC) }
            try? setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1, label: "setsockopt(TCP_NODELAY)")
        } catch {
            close(fd)
            throw error
        }
        return (fd, SocketAddress(storage: storage, length: length))
    }

    /// The address a socket is bound to (used to read the port the kernel picked for port 0).
    static func localAddress(_ fd: Int32) throws(SocketError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SocketError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SocketError) in
                try syscall("getsockname") { getsockname(fd, address, &length) }
            }
        }
        return SocketAddress(storage: storage, length: length)
    }

    /// Reads up to `buffer.count` bytes; 0 means the peer closed its write side; nil means EAGAIN.
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int? {
        do {
            return try syscall("recv") { recv(fd, buffer.baseAddress, buffer.count, 0) }
        } catch where error.wouldBlock {
            return nil
        }
    }

    /// Writes what the kernel accepts now; nil means EAGAIN. A peer that has gone is EPIPE, never SIGPIPE.
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SocketError) -> Int? {
        do {
            return try syscall("send") { Syscall.send(fd, bytes.baseAddress, bytes.count) }
        } catch where error.wouldBlock {
            return nil
        }
    }

    /// Writes what the kernel accepts now of `first` then `second`, in one call; nil means EAGAIN.
    static func send(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws(SocketError) -> Int? {
        do {
            return try syscall("sendmsg") { Syscall.send(fd, first, second) }
        } catch where error.wouldBlock {
            return nil
        }
    }

    static func shutdownWrite(_ fd: Int32) {
        _ = try? syscall("shutdown") { shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Closes so that the kernel discards unsent bytes and sends a reset (SO_LINGER 0), freeing the
    /// send buffer at once; for peers dropped for not reading.
    static func abort(_ fd: Int32) {
        Syscall.setResetOnClose(fd)
        close(fd)
    }

    /// Bytes written to the socket that the peer has not yet acknowledged: a response can sit
    /// whole in the kernel's send buffer while a slow reader takes it. 0 where unknown.
    static func undeliveredBytes(_ fd: Int32) -> Int {
        Syscall.unacknowledgedByteCount(fd)
    }

    static func close(_ fd: Int32) {
        // close is not retried on EINTR: on Linux the descriptor is released even then.
        _ = Syscall.close(fd)
    }

    static func setNonBlocking(_ fd: Int32) throws(SocketError) {
        let flags = try syscall("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        try syscall("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32, label: String) throws(SocketError) {
        var value = value
        try syscall(label) { setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) }
    }
}
