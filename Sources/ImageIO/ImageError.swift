/// Why an image could not be read or written. Each description is one line a person can act on.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes start with no known image signature.
    case notAnImage
    /// A recognised image format that depthd does not decode (GIF, WebP, BMP, TIFF, HEIC).
    case unsupportedFormat(ImageFormat)
    /// The file ends before the image does.
    case truncated(ImageFormat, detail: String)
    /// The data breaks the format's rules (bad CRC, corrupt entropy data, bad markers...).
    case corrupt(ImageFormat, detail: String)
    /// A valid file in a variant the codecs do not decode (e.g. arithmetic-coded JPEG).
    case unsupportedVariant(ImageFormat, detail: String)
    /// A declared width or height beyond `DecodeLimits.maxDimension`, or of zero where a codec's
    /// probe lets one through (libjpeg and libpng refuse a zero side themselves, as `corrupt`).
    case invalidDimensions(width: Int, height: Int, maxDimension: Int)
    /// width x height is above `DecodeLimits.maxPixels`; refused before any pixel is allocated.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// A progressive JPEG with more scans than `DecodeLimits.maxProgressiveScans`.
    case tooManyScans(limit: Int)
    /// The codec could not allocate memory.
    case outOfMemory(ImageFormat)
    /// The caller passed something the function cannot use (wrong buffer size, bad text key...).
    case invalidArgument(String)
    /// An encoder failed.
    case encodingFailed(ImageFormat, detail: String)

    public var description: String {
        switch self {
        case .notAnImage:
            return "not an image: the data starts with neither a JPEG nor a PNG signature"
        case .unsupportedFormat(let format):
            return "unsupported format \(format.name); send a JPEG or PNG"
        case .truncated(let format, let detail):
            return "truncated \(format.name): \(detail)"
        case .corrupt(let format, let detail):
            return "corrupt \(format.name): \(detail)"
        case .unsupportedVariant(let format, let detail):
            return "unsupported \(format.name): \(detail)"
        case .invalidDimensions(let width, let height, let maxDimension):
            return "image declares \(width)x\(height) pixels; each side must be 1 to \(maxDimension)"
        case .tooManyPixels(let width, let height, let limit):
            let megapixels = Double(width) * Double(height) / 1_000_000
            return "image is \(width)x\(height) = \(Self.oneDecimal(megapixels)) MP, above the limit of "
                + "\(Self.compact(Double(limit) / 1_000_000)) MP"
        case .tooManyScans(let limit):
            return "progressive JPEG has more than \(limit) scans; refused to bound decoding time"
        case .outOfMemory(let format):
            return "out of memory while decoding \(format.name)"
        case .invalidArgument(let detail):
            return "invalid argument: \(detail)"
        case .encodingFailed(let format, let detail):
            return "\(format.name) encoding failed: \(detail)"
        }
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
    }

    private static func compact(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : oneDecimal(value)
    }
}
