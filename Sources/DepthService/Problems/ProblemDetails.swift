/// An RFC 9457 problem details object, sent as `application/problem+json` for every error: its
/// status, its members and the headers it needs (`Retry-After`) travel together, and `HTTP/`
/// turns it into a response in one place (``ProblemDetails/response(requestID:)``). The problems
/// themselves are made in ProblemCatalogue.swift.
///
/// `type` identifies the kind of problem; depthd's own kinds use tag URIs (RFC 4151), which name
/// without promising a page to fetch, and plain HTTP failures use `about:blank` with the status's
/// reason phrase as `title`, as RFC 9457 section 4.2.1 recommends.
public struct ProblemDetails: Sendable, Equatable, Error {
    public static let mediaType = "application/problem+json"

    public var type: String
    public var title: String
    public var status: Int
    /// What happened to this request, in words a person can act on.
    public var detail: String?
    /// A URI reference for this occurrence (depthd uses the request id, `urn:uuid:` or as received).
    public var instance: String?
    /// Extension members such as `limit`, `supported` or `retry_after`, serialised after the
    /// standard members in the order given. Names that clash with a standard member are dropped.
    public var extensions: [(String, JSONValue)]
    /// Seconds after which the client may try again, sent as `Retry-After` (RFC 9110 section
    /// 10.2.3); the 503 problems of the catalogue set it to ``retryAfterSeconds``.
    public var retryAfter: Int?

    public init(type: String = "about:blank", title: String, status: Int, detail: String? = nil,
                instance: String? = nil, extensions: [(String, JSONValue)] = [], retryAfter: Int? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.extensions = extensions
        self.retryAfter = retryAfter
    }

    public static func == (lhs: ProblemDetails, rhs: ProblemDetails) -> Bool {
        lhs.json == rhs.json && lhs.retryAfter == rhs.retryAfter
    }

    private static let standardMembers: Set<String> = ["type", "title", "status", "detail", "instance"]

    /// The problem as a JSON value: type, title, status, detail, instance, then the extensions.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("type", .string(type)), ("title", .string(title)), ("status", .integer(status))]
        if let detail { members.append(("detail", .string(detail))) }
        if let instance { members.append(("instance", .string(instance))) }
        members += extensions.filter { !Self.standardMembers.contains($0.0) }
        return .object(members)
    }

    /// The response body, UTF-8.
    public var body: [UInt8] { Array(json.serialized.utf8) }
}

extension ProblemDetails {
    /// The same problem with another `detail`.
    func with(detail: String) -> ProblemDetails {
        var copy = self
        copy.detail = detail
        return copy
    }
}
