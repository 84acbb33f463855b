/// Bounds the request parser enforces; every one is configurable.
public struct HTTPParserLimits: Sendable, Hashable {
    /// Longest request target in bytes (414 beyond).
    public var maxTargetLength = 8 * 1024
    /// Largest header section in bytes, counting each field line with its CRLF but not the
    /// request line (431 beyond).
    public var maxHeaderBytes = 16 * 1024
    /// Most header fields in one request (431 beyond).
    public var maxHeaderCount = 100
    /// Largest body in bytes, decided from Content-Length before the body is read, and for
    /// chunked bodies as soon as the running total passes it (413 beyond).
    public var maxBodyBytes = 16 * 1024 * 1024
    /// Longest chunk-size line, extensions included (400 beyond).
    public var maxChunkLineBytes = 1024
    /// Largest trailer section of a chunked body (431 beyond). Trailers are checked, then dropped.
    public var maxTrailerBytes = 4 * 1024
    /// Methods the server recognises; any other well-formed method is answered 501. A recognised
    /// method that a path does not route is answered 405 with `Allow` (RFC 9110 15.5.6), so TRACE
    /// and QUERY (the IETF safe method with a body, an OpenAPI 3.2 operation) are here although
    /// nothing routes them: TRACE /healthz is 405, not a 5xx. CONNECT is left out (its
    /// authority-form target is never valid here), so it stays 501.
    public var knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "QUERY"]

    public init() {}
}
