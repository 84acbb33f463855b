import Foundation

/// The HTTP side of `POST /v1/depth`'s options: without `format` in the query, the `Accept`
/// header chooses the format.
extension DepthRequestOptions {
    /// The media types an Accept header can ask for, and the format each means.
    static let negotiable: [(mediaType: String, format: Format)] = [("application/json", .json), ("image/png", .png16)]

    /// Reads the query values and the Accept header. An explicit `format` wins; without one, the
    /// Accept media range with the highest q among ``negotiable`` decides, and anything else
    /// means png16 (``parse(query:defaultFormat:)`` does the rest).
    static func parse(query: (Parameter) -> String?, accept: String?) throws(InvalidParameter) -> DepthRequestOptions {
        try parse(query: query, defaultFormat: accept.map(negotiate) ?? .png16)
    }

    /// `parse(query:accept:)` for just `format` and `size`.
    static func parse(format: String?, size: String?, accept: String?) throws(InvalidParameter) -> DepthRequestOptions {
        try parse(query: { name in name == .format ? format : name == .size ? size : nil }, accept: accept)
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
            let format = negotiable.first { $0.mediaType == type }?.format
            guard let format, quality > 0, quality <= 1 else { continue }
            if quality > (best?.quality ?? 0) { best = (format, quality) }
        }
        return best?.format ?? .png16
    }
}
