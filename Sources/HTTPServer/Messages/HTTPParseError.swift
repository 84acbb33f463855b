/// Why a request could not be parsed, carrying the status to answer with. Every parse error
/// ends the connection (after the error response), since the framing of what follows is in doubt.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status: 400, 408, 413, 414, 417, 431, 501 or 505.
    public let status: Int
    /// A short explanation a person can act on; sent as the error response's body.
    public let reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status) \(HTTPStatus.reasonPhrase(status)): \(reason)" }

    static func badRequest(_ reason: String) -> HTTPParseError { HTTPParseError(status: 400, reason: reason) }
}
