/// A decoded query parameter.
public struct HTTPQueryItem: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A complete request as handed to the handler.
public struct HTTPRequest: Sendable {
    /// The method token ("GET", "POST", ...).
    public var method: String
    /// The request target exactly as sent.
    public var target: String
    /// The path of the target, still percent-encoded (so "%2F" stays distinct from "/").
    public var path: String
    /// Query parameters, percent- and "+"-decoded, in order.
    public var queryItems: [HTTPQueryItem]
    public var version: HTTPVersion
    /// Header fields in arrival order; lookups ignore case.
    public var headers: HTTPHeaders
    /// The body, de-chunked.
    public var body: [UInt8]
    /// The peer, "127.0.0.1:51234" or "[::1]:51234".
    public var remoteAddress: String

    public init(method: String, target: String, path: String, queryItems: [HTTPQueryItem] = [],
                version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:], body: [UInt8] = [],
                remoteAddress: String = "") {
        self.method = method
        self.target = target
        self.path = path
        self.queryItems = queryItems
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// Builds a request from a parsed head and its body.
    public init(head: HTTPRequestHead, body: [UInt8], remoteAddress: String) {
        self.init(method: head.method, target: head.target, path: head.path,
                  queryItems: head.query.map(HTTPRequest.decodeQuery) ?? [],
                  version: head.version, headers: head.headers, body: body, remoteAddress: remoteAddress)
    }

    /// The first value of a query parameter, or nil.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Splits "a=1&b=x+y&c" into items, decoding "+" as space and %XX escapes; an invalid escape is kept literally.
    public static func decodeQuery(_ query: String) -> [HTTPQueryItem] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(parts[0])
            let value = parts.count > 1 ? percentDecode(parts[1]) : ""
            return HTTPQueryItem(name: name, value: value)
        }
    }

    static func percentDecode(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(ASCII.space)
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                      let high = ASCII.hexValue(bytes[index + 1]), let low = ASCII.hexValue(bytes[index + 2]) {
                output.append(UInt8(high * 16 + low))
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
