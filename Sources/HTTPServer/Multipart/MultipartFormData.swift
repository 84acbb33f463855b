/// One part of a multipart/form-data body (RFC 7578).
public struct MultipartPart: Sendable, Hashable {
    /// The part's own header fields (Content-Disposition, Content-Type, ...).
    public var headers: HTTPHeaders
    /// The form field name from Content-Disposition, or nil if it has none.
    public var name: String?
    /// The filename from Content-Disposition, or nil.
    public var filename: String?
    /// The part's Content-Type, or nil (RFC 7578 4.4: then text/plain).
    public var contentType: String?
    public var body: [UInt8]
}

/// Why a multipart body was refused; carries the status to answer with.
public enum MultipartError: Error, Sendable, Hashable, CustomStringConvertible {
    case notMultipartFormData
    case missingBoundary
    case invalidBoundary
    /// No opening delimiter line was found.
    case noParts
    /// The body ends before the closing delimiter `--boundary--`.
    case unterminated
    case malformedPartHeaders
    case tooManyParts(limit: Int)
    case partTooLarge(limit: Int)

    /// 413 for the size limits, 415 when the body is not multipart/form-data, otherwise 400.
    public var status: Int {
        switch self {
        case .tooManyParts, .partTooLarge: 413
        case .notMultipartFormData: 415
        default: 400
        }
    }

    public var description: String {
        switch self {
        case .notMultipartFormData: "Content-Type is not multipart/form-data"
        case .missingBoundary: "multipart/form-data without a boundary parameter"
        case .invalidBoundary: "multipart boundary must be 1 to 70 characters"
        case .noParts: "multipart body does not contain its boundary"
        case .unterminated: "multipart body ends before its closing boundary"
        case .malformedPartHeaders: "malformed header section in a multipart part"
        case .tooManyParts(let limit): "multipart body has more than \(limit) parts"
        case .partTooLarge(let limit): "a multipart part is larger than \(limit) bytes"
        }
    }
}

/// A pure parser for multipart/form-data bodies.
public enum MultipartFormData {
    public struct Limits: Sendable, Hashable {
        public var maxParts = 16
        public var maxPartBytes = 16 * 1024 * 1024
        public var maxPartHeaderBytes = 4 * 1024

        public init(maxParts: Int = 16, maxPartBytes: Int = 16 * 1024 * 1024, maxPartHeaderBytes: Int = 4 * 1024) {
            self.maxParts = maxParts
            self.maxPartBytes = maxPartBytes
            self.maxPartHeaderBytes = maxPartHeaderBytes
        }
    }

    /// The boundary parameter of a multipart/form-data Content-Type value.
    public static func boundary(fromContentType contentType: String) throws(MultipartError) -> String {
        let parameters = contentType.split(separator: ";", omittingEmptySubsequences: false)
        guard let mediaType = parameters.first,
              mediaType.trimmingHTTPWhitespace().lowercased() == "multipart/form-data" else {
            throw .notMultipartFormData
        }
        for parameter in parameters.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingHTTPWhitespace().lowercased() == "boundary" else { continue }
            let boundary = unquote(pair[1].trimmingHTTPWhitespace())
            guard (1...70).contains(boundary.utf8.count), !boundary.utf8.contains(where: { $0 < 32 || $0 > 126 }) else {
                throw .invalidBoundary
            }
            return boundary
        }
        throw .missingBoundary
    }

    /// Splits `body` into its parts. The preamble and epilogue are ignored; delimiters must be
    /// CRLF-terminated lines as RFC 2046 5.1.1 requires.
    public static func parse(_ body: [UInt8], contentType: String, limits: Limits = Limits()) throws(MultipartError) -> [MultipartPart] {
        let boundary = Array(try boundary(fromContentType: contentType).utf8)
        let dashBoundary = Array("--".utf8) + boundary
        let delimiter = Array("\r\n".utf8) + dashBoundary

        // The first delimiter may open the body or follow a preamble line.
        var position: Int
        if body.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = search(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw .noParts
        }
        var parts: [MultipartPart] = []
        while true {
            // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF.
            if body[position...].starts(with: Array("--".utf8)) { return parts }
            while position < body.count, ASCII.isWhitespace(body[position]) { position += 1 }
            guard body[position...].starts(with: [ASCII.cr, ASCII.lf]) else {
                throw position >= body.count ? .unterminated : .malformedPartHeaders
            }
            position += 2
            guard parts.count < limits.maxParts else { throw .tooManyParts(limit: limits.maxParts) }

            let headerEnd: Int
            if body[position...].starts(with: [ASCII.cr, ASCII.lf]) {
                headerEnd = position  // a part with no header fields
            } else {
                let searchLimit = min(body.count, position + limits.maxPartHeaderBytes + 4)
                guard let end = search(Array("\r\n\r\n".utf8), in: Array(body[position..<searchLimit]), from: 0) else {
                    throw searchLimit == body.count ? .unterminated : .malformedPartHeaders
                }
                headerEnd = position + end + 2
            }
            let headers = try parseHeaders(body[position..<headerEnd])
            let contentStart = headerEnd + 2
            guard let contentEnd = search(delimiter, in: body, from: contentStart) else { throw .unterminated }
            guard contentEnd - contentStart <= limits.maxPartBytes else { throw .partTooLarge(limit: limits.maxPartBytes) }
            parts.append(makePart(headers: headers, body: Array(body[contentStart..<contentEnd])))
            position = contentEnd + delimiter.count
        }
    }

    private static func parseHeaders(_ bytes: ArraySlice<UInt8>) throws(MultipartError) -> HTTPHeaders {
        var headers = HTTPHeaders()
        guard !bytes.isEmpty else { return headers }
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == ASCII.cr {
                guard index + 1 < bytes.endIndex, bytes[index + 1] == ASCII.lf else { throw .malformedPartHeaders }
                lines.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.endIndex { lines.append(bytes[start..<bytes.endIndex]) }
        for line in lines {
            guard let colon = line.firstIndex(of: ASCII.colon), ASCII.isToken(line[line.startIndex..<colon]) else {
                throw .malformedPartHeaders
            }
            let value = line[(colon + 1)...]
            guard value.allSatisfy(ASCII.isFieldValueCharacter) else { throw .malformedPartHeaders }
            headers.add(name: String(decoding: line[line.startIndex..<colon], as: UTF8.self),
                        value: String(decoding: value, as: UTF8.self).trimmingHTTPWhitespace())
        }
        return headers
    }

    private static func makePart(headers: HTTPHeaders, body: [UInt8]) -> MultipartPart {
        var name: String?
        var filename: String?
        if let disposition = headers["Content-Disposition"] {
            for parameter in splitParameters(disposition).dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let key = pair[0].trimmingHTTPWhitespace().lowercased()
                let value = unquote(pair[1].trimmingHTTPWhitespace())
                if key == "name" { name = value }
                if key == "filename" { filename = value }
            }
        }
        return MultipartPart(headers: headers, name: name, filename: filename, contentType: headers["Content-Type"], body: body)
    }

    /// Splits on ";" outside quoted strings.
    private static func splitParameters(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
            } else if character == "\\" && quoted {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                result.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        result.append(current)
        return result
    }

    private static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if escaped || character != "\\" {
                result.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return result
    }

    /// The index of the first occurrence of `needle` in `haystack` at or after `from`.
    private static func search(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, from >= 0, haystack.count - from >= needle.count else { return nil }
        let last = haystack.count - needle.count
        var index = from
        while index <= last {
            guard let candidate = haystack[index...last].firstIndex(of: first) else { return nil }
            if haystack[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
            index = candidate + 1
        }
        return nil
    }
}
