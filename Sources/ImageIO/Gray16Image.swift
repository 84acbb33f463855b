import CImageCodecs

/// A single-channel 16-bit image, row-major: `values` is (height, width). What a png16 depth map
/// decodes to (ImageDecoder's RGB8 path would round its samples to 8 bits).
public struct Gray16Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// (height, width) samples, rows top to bottom.
    public let values: [UInt16]

    /// Decodes a 16-bit grayscale PNG exactly. Other formats, colour types and bit depths are
    /// refused (`ImageError.unsupportedVariant`); limits are checked from the header first.
    public static func decodePNG(_ bytes: [UInt8], limits: DecodeLimits = DecodeLimits()) throws -> Gray16Image {
        let header = try ImageDecoder.probe(bytes, limits: limits)
        guard header.format == .png else {
            throw ImageError.unsupportedVariant(header.format, detail: "not a 16-bit grayscale PNG")
        }
        let size = header.storedSize
        let count = size.width * size.height
        let values: [UInt16] = try CodecCall.decode(.png, count: count) { output, message in
            bytes.withUnsafeBufferPointer { input in
                cic_png_decode_gray16(input.baseAddress, input.count, output, count,
                                      UInt32(size.width), UInt32(size.height), message)
            }
        }
        return Gray16Image(width: size.width, height: size.height, values: values)
    }
}
