#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed socket system call: the call's name and the errno it left.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The system call (or library function) that failed, e.g. "bind".
    public let call: String
    /// The errno value the call reported.
    public let errorNumber: Int32

    public init(call: String, errorNumber: Int32) {
        self.call = call
        self.errorNumber = errorNumber
    }

    /// True for EAGAIN/EWOULDBLOCK: the non-blocking call would have blocked.
    public var wouldBlock: Bool { errorNumber == EAGAIN || errorNumber == EWOULDBLOCK }

    public var description: String {
        "\(call) failed: \(String(cString: strerror(errorNumber))) (errno \(errorNumber))"
    }
}
