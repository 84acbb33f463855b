/// Every problem depthd sends, by kind. Which error becomes which problem is decided in
/// HTTP/ProblemMapping.swift.
extension ProblemDetails {
    /// What every 503 tells the client to wait before retrying (`Retry-After`, and `retry_after`
    /// in the overloaded problem's body): the one place this is decided.
    public static let retryAfterSeconds = 1

    static func tag(_ name: String) -> String { "tag:depthd,2026:problems/\(name)" }

    /// 400 for a query parameter (or `depthd predict` flag) with a bad value; `parameter` names it.
    public static func invalidParameter(_ parameter: DepthRequestOptions.Parameter, _ detail: String) -> ProblemDetails {
        ProblemDetails(type: tag("invalid-parameter"), title: "Invalid parameter \(parameter.rawValue)",
                       status: 400, detail: detail, extensions: [("parameter", .string(parameter.rawValue))])
    }

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

    /// 405; the router sends `Allow` with the same methods, the body lists them.
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

    /// 413 when a multipart/form-data body has more than `limit` parts: like the byte limit, a cap
    /// on how much request content depthd takes, so the same status (RFC 9110 section 15.5.14);
    /// the request is well-formed, which a 400 would deny.
    public static func tooManyParts(limit: Int) -> ProblemDetails {
        ProblemDetails(type: tag("too-many-parts"), title: "Too many form parts", status: 413,
                       detail: "The multipart/form-data body has more than \(limit) parts; send the photo as the part"
                           + " `image` (curl -F image=@photo.jpg).",
                       extensions: [("limit", .integer(limit)), ("unit", "parts")])
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

    /// 503 when the model queue is full, with `Retry-After` and the same seconds as `retry_after`.
    public static func overloaded(retryAfterSeconds seconds: Int = retryAfterSeconds) -> ProblemDetails {
        ProblemDetails(type: tag("overloaded"), title: "Service overloaded", status: 503,
                       detail: "Every model worker is busy and the queue is full; retry after \(seconds) s.",
                       extensions: [("retry_after", .integer(seconds))], retryAfter: seconds)
    }

    /// 503 before warm-up has finished or while draining, with `Retry-After`.
    public static func notReady(_ detail: String) -> ProblemDetails {
        ProblemDetails(type: tag("not-ready"), title: "Service not ready", status: 503, detail: detail,
                       retryAfter: retryAfterSeconds)
    }

    /// 503 when a request waited in the model queue past its deadline, with `Retry-After`.
    public static func queueTimeout(seconds: Double) -> ProblemDetails {
        ProblemDetails(type: tag("queue-timeout"), title: "Timed out waiting for a model worker", status: 503,
                       detail: "No model worker became free within \(JSONValue.format(seconds)) s; retry later.",
                       retryAfter: retryAfterSeconds)
    }

    /// 500 for a failure inside the service; `detail` must not leak internals a client cannot act on.
    public static func internalError(_ detail: String = "The server failed to process the request.") -> ProblemDetails {
        ProblemDetails(title: "Internal Server Error", status: 500, detail: detail)
    }
}
