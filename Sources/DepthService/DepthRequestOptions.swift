import Foundation

/// The options of `POST /v1/depth`, from its query (`format`, `size`) and `Accept` header.
public struct DepthRequestOptions: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        /// 16-bit grayscale PNG, millimetres, 0 = no estimate.
        case png16
        /// JSON in metres.
        case json
        /// 8-bit colour-mapped PNG preview.
        case color
    }

    public enum Size: String, Sendable, CaseIterable {
        /// Resampled to the uploaded image's (oriented) size.
        case input
        /// The network's own output grid.
        case native
    }

    public var format: Format
    public var size: Size

    public init(format: Format = .png16, size: Size = .input) {
        self.format = format
        self.size = size
    }

    /// Reads the raw query values (nil when absent) and the Accept header. An explicit `format`
    /// wins; without one, the Accept media range with the highest q among `application/json` and
    /// `image/png` decides, and anything else (no Accept, `*/*`, only other types) means png16.
    /// Throws a 400 ``ProblemDetails`` naming the allowed values for an unknown `format` or `size`.
    public static func parse(format: String?, size: String?, accept: String?) throws(ProblemDetails) -> DepthRequestOptions {
        var options = DepthRequestOptions()
        if let format {
            guard let value = Format(rawValue: format) else {
                throw .badRequest("Unknown format \(format.debugDescription); use one of "
                    + Format.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            options.format = value
        } else if let accept {
            options.format = negotiate(accept: accept)
        }
        if let size {
            guard let value = Size(rawValue: size) else {
                throw .badRequest("Unknown size \(size.debugDescription); use one of "
                    + Size.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            options.size = value
        }
        return options
    }

    /// The format an Accept header asks for (RFC 9110 section 12.5.1, exact types only).
    static func negotiate(accept: String) -> Format {
        var best: (format: Format, quality: Double)? = nil
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            let quality = parts.dropFirst().compactMap { parameter -> Double? in
                guard parameter.hasPrefix("q=") else { return nil }
                return Double(parameter.dropFirst(2))
            }.first ?? 1
            let format: Format? = switch type {
            case "application/json": .json
            case "image/png": .png16
            default: nil
            }
            guard let format, quality > 0, quality <= 1 else { continue }
            if quality > (best?.quality ?? 0) { best = (format, quality) }
        }
        return best?.format ?? .png16
    }
}
