import Foundation

/// Reads a photo given on the command line, refusing what is not a readable regular file.
enum InputFile {
    /// Largest file read; the decoder's pixel cap bounds what is decoded, this bounds what is read.
    static let maximumBytes = 1 << 30

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadError(description: "cannot read: \(AtomicFile.reason(errno))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ReadError(description: "cannot read: \(AtomicFile.reason(errno))") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw ReadError(description: "not a regular file") }
        let size = Int(status.st_size)
        guard size <= maximumBytes else {
            throw ReadError(description: "file is \(size / (1 << 20)) MiB, above the \(maximumBytes >> 20) MiB limit")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        let failure: Int32? = bytes.withUnsafeMutableBytes { raw in
            while offset < size, let base = raw.baseAddress {
                let count = Foundation.read(descriptor, base + offset, size - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if count == 0 { break }
                offset += count
            }
            return nil
        }
        if let failure { throw ReadError(description: "cannot read: \(AtomicFile.reason(failure))") }
        return Array(bytes.prefix(offset))
    }
}
