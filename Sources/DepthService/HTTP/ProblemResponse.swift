import Foundation
import HTTPServer

extension ProblemDetails {
    /// The response for this problem, the only way one is made: its status, `application/problem+json`,
    /// `Cache-Control: no-store`, `Retry-After` when the problem carries one, and `instance` from
    /// the request id when there is one. (A 405's `Allow` is the router's, set on the way out.)
    func response(requestID: String?) -> HTTPResponse {
        var problem = self
        if let requestID { problem.instance = Self.instance(for: requestID) }
        var headers: HTTPHeaders = ["Content-Type": ProblemDetails.mediaType, "Cache-Control": "no-store"]
        if let retryAfter { headers.add(name: "Retry-After", value: String(retryAfter)) }
        return HTTPResponse(status: status, headers: headers, body: problem.body)
    }

    /// The response for this problem answering `request`, whose id becomes the problem's `instance`.
    func response(to request: HTTPRequest) -> HTTPResponse {
        response(requestID: request.headers[RequestID.headerName])
    }

    /// A generated id (a UUID) as `urn:uuid:...`; a client's own id percent-encoded into a relative
    /// reference, so that `instance` is always a valid URI reference.
    static func instance(for requestID: String) -> String {
        if UUID(uuidString: requestID) != nil { return "urn:uuid:" + requestID }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return "request/" + (requestID.addingPercentEncoding(withAllowedCharacters: allowed) ?? "unknown")
    }
}
