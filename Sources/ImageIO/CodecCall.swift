import CImageCodecs

/// Runs one C codec call with a message buffer and turns its status into an `ImageError`.
enum CodecCall {
    static func run(_ format: ImageFormat, maxScans: Int = 0,
                    _ body: (UnsafeMutablePointer<CChar>) -> Int32) throws {
        var message = [CChar](repeating: 0, count: Int(CIC_MESSAGE_CAPACITY) + 1)
        let status = message.withUnsafeMutableBufferPointer { buffer in
            body(buffer.baseAddress!)  // a non-empty array always has a base address
        }
        guard status != Int32(CIC_OK.rawValue) else { return }
        let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch UInt32(bitPattern: status) {
        case CIC_TRUNCATED.rawValue: throw ImageError.truncated(format, detail: detail)
        case CIC_UNSUPPORTED.rawValue: throw ImageError.unsupportedVariant(format, detail: detail)
        case CIC_OUT_OF_MEMORY.rawValue: throw ImageError.outOfMemory(format)
        case CIC_TOO_MANY_SCANS.rawValue: throw ImageError.tooManyScans(limit: maxScans)
        default: throw ImageError.corrupt(format, detail: detail.isEmpty ? "decoder error \(status)" : detail)
        }
    }

    /// Runs a decode call that writes `count` elements into a new array, all or nothing: on any
    /// error the partly written array is dropped and the error thrown.
    static func decode<Element>(_ format: ImageFormat, count: Int, maxScans: Int = 0,
                                _ body: (UnsafeMutablePointer<Element>?, UnsafeMutablePointer<CChar>) -> Int32)
        throws -> [Element] {
        var failure: Error?
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                try run(format, maxScans: maxScans) { message in body(buffer.baseAddress, message) }
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }
}
