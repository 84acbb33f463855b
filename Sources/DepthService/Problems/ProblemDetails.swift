/// An RFC 9457 problem details object, sent as `application/problem+json` for every error.
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

    public init(type: String = "about:blank", title: String, status: Int, detail: String? = nil,
                instance: String? = nil, extensions: [(String, JSONValue)] = []) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.extensions = extensions
    }

    public static func == (lhs: ProblemDetails, rhs: ProblemDetails) -> Bool {
        lhs.json == rhs.json
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
    private static func tag(_ name: String) -> String { "tag:depthd,2026:problems/\(name)" }

    /// 400: the body is not an image depthd can decode; `reason` says why (truncated JPEG, ...).
    public static func undecodableImage(_ reason: String) -> ProblemDetails {
        ProblemDetails(type: tag("undecodable-image"), title: "The image could not be decoded", status: 400,
                       detail: reason)
    }

    /// 400: the request is well-formed HTTP but its parameters or form are wrong.
    public static func badRequest(_ detail: String) -> ProblemDetails {
        ProblemDetails(title: "Bad Request", status: 400, detail: detail)
    }

    /// 404 for a path no route serves.
    public static func notFound(path: String) -> ProblemDetails {
        ProblemDetails(title: "Not Found", status: 404, detail: "No resource at \(path).")
    }

    /// 405; the caller also sends `Allow` with the same methods.
    public static func methodNotAllowed(method: String, path: String, allowed: [String]) -> ProblemDetails {
        ProblemDetails(title: "Method Not Allowed", status: 405,
                       detail: "\(path) does not accept \(method); use \(allowed.joined(separator: " or ")).",
                       extensions: [("allow", .array(allowed.map { .string($0) }))])
    }

    /// 413 when the body is larger than `limit` bytes.
    public static func bodyTooLarge(limit: Int, received: Int?) -> ProblemDetails {
        var extensions: [(String, JSONValue)] = [("limit", .integer(limit)), ("unit", "bytes")]
        if let received { extensions.append(("received", .integer(received))) }
        let size = received.map { "\($0) bytes" } ?? "The body"
        return ProblemDetails(type: tag("body-too-large"), title: "Request body too large", status: 413,
                              detail: "\(size) exceeds the limit of \(limit) bytes.", extensions: extensions)
    }

    /// 413 when the decoded image would have more than `limit` pixels.
    public static func imageTooLarge(width: Int, height: Int, limit: Int) -> ProblemDetails {
        ProblemDetails(type: tag("image-too-large"), title: "Image too large", status: 413,
                       detail: "The image is \(width)x\(height) (\(width.multipliedReportingOverflow(by: height).partialValue) pixels); the limit is \(limit) pixels.",
                       extensions: [("limit", .integer(limit)), ("unit", "pixels"),
                                    ("width", .integer(width)), ("height", .integer(height))])
    }

    /// 415, listing the media types that are accepted.
    public static func unsupportedMediaType(received: String?, supported: [String]) -> ProblemDetails {
        let what = received.map { "Content-Type \($0) is not supported" } ?? "The request has no Content-Type"
        return ProblemDetails(type: tag("unsupported-media-type"), title: "Unsupported media type", status: 415,
                              detail: "\(what); send one of \(supported.joined(separator: ", ")).",
                              extensions: [("supported", .array(supported.map { .string($0) }))])
    }

    /// 503 when the model queue is full; the caller also sends `Retry-After`.
    public static func overloaded(retryAfterSeconds: Int) -> ProblemDetails {
        ProblemDetails(type: tag("overloaded"), title: "Service overloaded", status: 503,
                       detail: "Every model worker is busy and the queue is full; retry after \(retryAfterSeconds) s.",
                       extensions: [("retry_after", .integer(retryAfterSeconds))])
    }

    /// 503 before warm-up has finished or while draining.
    public static func notReady(_ detail: String) -> ProblemDetails {
        ProblemDetails(type: tag("not-ready"), title: "Service not ready", status: 503, detail: detail)
    }

    /// 503 when a request waited in the model queue past its deadline.
    public static func queueTimeout(seconds: Double) -> ProblemDetails {
        ProblemDetails(type: tag("queue-timeout"), title: "Timed out waiting for a model worker", status: 503,
                       detail: "No model worker became free within \(JSONValue.format(seconds)) s; retry later.")
    }

    /// 500 for a failure inside the service; `detail` must not leak internals a client cannot act on.
    public static func internalError(_ detail: String = "The server failed to process the request.") -> ProblemDetails {
        ProblemDetails(title: "Internal Server Error", status: 500, detail: detail)
    }
}
