/// The protocol version of a request: 1.0 or 1.1 (1.x with x > 1 is treated as 1.1, RFC 9110 2.5).
public enum HTTPVersion: String, Sendable, Hashable {
    case http1_0 = "HTTP/1.0"
    case http1_1 = "HTTP/1.1"
}

/// How a request's body is delimited (RFC 9112 section 6).
public enum HTTPBodyFraming: Sendable, Hashable {
    case none
    case contentLength(Int)
    case chunked
}

/// A parsed request line and header section, before any body has been read.
public struct HTTPRequestHead: Sendable, Hashable {
    /// The method token, case-sensitive ("GET").
    public var method: String
    /// The request target exactly as sent ("/v1/depth?format=json", "*", "http://host/x").
    public var target: String
    /// The path of the target, still percent-encoded; "*" for asterisk-form. Never empty.
    public var path: String
    /// The query string without "?", still encoded; nil when the target has none.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: HTTPBodyFraming
    /// Whether the connection may carry another request after this one's response.
    public var keepAlive: Bool
    /// True when an HTTP/1.1 request sent `Expect: 100-continue`.
    public var expectsContinue: Bool

    /// Whether a body follows the head.
    public var hasBody: Bool {
        switch framing {
        case .none: false
        case .contentLength(let length): length > 0
        case .chunked: true
        }
    }
}
