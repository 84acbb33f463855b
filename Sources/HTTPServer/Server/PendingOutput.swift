/// What a connection has still to write: bytes copied in (response heads, small bodies, interim
/// responses) and, after them, at most one large body written from the response's own array.
///
/// A depth answer is hundreds of KiB: copying it behind its head doubled the memory and the
/// work of sending it (a fresh mapping faulted in per response, as every block of 128 KiB or more
/// is with the service's malloc setting). Head and body go out together in one `sendmsg`.
struct PendingOutput {
    /// Bodies at least this large are written from their own array; smaller ones are copied.
    static let copyLimit = 16 * 1024
    /// The copied bytes' buffer keeps its capacity between responses up to this size.
    static let keptCapacity = 64 * 1024

    private var copied: [UInt8] = []
    private var copiedOffset = 0
    private var body: [UInt8] = []
    private var bodyOffset = 0

    /// Nothing is left to write.
    var isEmpty: Bool { copiedOffset == copied.count && bodyOffset == body.count }

    /// Lets `write` append to the copied bytes (a large body still pending is copied first, so
    /// that the order of bytes on the wire is the order they were given in).
    mutating func append(_ write: (inout [UInt8]) -> Void) {
        if bodyOffset < body.count {
            copied += body[bodyOffset...]
            body = []
            bodyOffset = 0
        }
        write(&copied)
    }

    /// Appends a response body: copied when small, else kept as it is.
    mutating func append(body bytes: [UInt8]) {
        guard bytes.count >= Self.copyLimit, bodyOffset == body.count else {
            append { $0 += bytes }
            return
        }
        body = bytes
        bodyOffset = 0
    }

    /// Writes what the kernel takes now, in order. Returns false when it would block with bytes
    /// left; throws when the socket fails. Once everything is written the buffers are reset.
    mutating func write(to fd: Int32) throws -> Bool {
        while !isEmpty {
            let written: Int?
            if copiedOffset < copied.count {
                written = try copied.withUnsafeBytes { head in
                    let head = UnsafeRawBufferPointer(rebasing: head[copiedOffset...])
                    guard bodyOffset < body.count else { return try Socket.send(fd, head) }
                    return try body.withUnsafeBytes { tail throws(SocketError) in
                        try Socket.send(fd, head, UnsafeRawBufferPointer(rebasing: tail[bodyOffset...]))
                    }
                }
            } else {
                written = try body.withUnsafeBytes { tail throws(SocketError) in
                    try Socket.send(fd, UnsafeRawBufferPointer(rebasing: tail[bodyOffset...]))
                }
            }
            guard let written else { return false }
            let fromCopied = min(written, copied.count - copiedOffset)
            copiedOffset += fromCopied
            bodyOffset += written - fromCopied
        }
        copied.removeAll(keepingCapacity: copied.capacity <= Self.keptCapacity)
        copiedOffset = 0
        body = []
        bodyOffset = 0
        return true
    }
}
