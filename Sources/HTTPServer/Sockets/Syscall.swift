#if os(Linux)
import Glibc
#else
#error("HTTPServer's socket layer is written for Linux (glibc); a port adds its branch of `Syscall` in Sockets/Syscall.swift")
#endif

/// Runs one system call; retries while it fails with EINTR and throws `SocketError` (carrying the
/// call's name and errno) for any other failure. Every socket call in this module goes through here,
/// so errno is read in exactly one place, right after the call that set it.
@discardableResult
func syscall<Result: FixedWidthInteger>(_ name: String, _ call: () -> Result) throws(SocketError) -> Result {
    while true {
        let result = call()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw SocketError(call: name, errorNumber: code)
    }
}

/// The socket calls and constants whose names, types or availability differ between operating
/// systems, in one place: the rest of the module uses only calls POSIX spells the same everywhere.
/// Linux (glibc) only today. A port to Darwin would add a branch here: SOCK_CLOEXEC and MSG_NOSIGNAL
/// become fcntl(FD_CLOEXEC) and the SO_NOSIGPIPE option, TIOCOUTQ becomes SO_NWRITE, and
/// SOCK_STREAM is a plain Int32 there.
enum Syscall {
    /// socket(2)'s type for a TCP socket; `closeOnExec` sets SOCK_CLOEXEC atomically.
    static func streamSocketType(closeOnExec: Bool = false) -> Int32 {
        Int32(SOCK_STREAM.rawValue) | (closeOnExec ? Int32(SOCK_CLOEXEC.rawValue) : 0)
    }

    static func listen(_ fd: Int32, backlog: Int32) -> Int32 { Glibc.listen(fd, backlog) }

    static func accept(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: inout socklen_t) -> Int32 {
        Glibc.accept(fd, address, &length)
    }

    static func connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Glibc.connect(fd, address, length)
    }

    /// send(2) that never raises SIGPIPE: a peer that has gone is EPIPE, not a dead process.
    static func send(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    }

    /// sendmsg(2) of two buffers, one after the other, that never raises SIGPIPE.
    static func send(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Int {
        var vectors = [iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
                       iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)]
        return vectors.withUnsafeMutableBufferPointer { vectors in
            var message = msghdr()
            message.msg_iov = vectors.baseAddress
            message.msg_iovlen = vectors.count
            return Glibc.sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
        }
    }

    static func close(_ fd: Int32) -> Int32 { Glibc.close(fd) }

    /// SO_LINGER with a zero timeout: the next close discards unsent bytes and sends a reset.
    static func setResetOnClose(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// SO_RCVTIMEO and SO_SNDTIMEO: a blocking recv or send gives up after `milliseconds`.
    static func setBlockingTimeouts(_ fd: Int32, milliseconds: Int32) {
        var interval = timeval(tv_sec: Int(milliseconds / 1000), tv_usec: Int(milliseconds % 1000) * 1000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Bytes written to the socket that the peer has not yet acknowledged (Linux SIOCOUTQ); 0 where unknown.
    static func unacknowledgedByteCount(_ fd: Int32) -> Int {
        var count: Int32 = 0
        return ioctl(fd, UInt(TIOCOUTQ), &count) == 0 ? Int(count) : 0
    }
}
