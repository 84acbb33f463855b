/// What the handler sees of every finished exchange, for metrics and access logs.
public struct HTTPRequestObservation: Sendable {
    /// The request's method, or nil when the request was rejected before its method was known.
    public var method: String?
    /// The target's path without the query (never the raw query), or nil when rejected before parsing it.
    public var path: String?
    /// The status of the response: the one sent, or for ``HTTPRequestOutcome/clientGone`` the one
    /// the handler returned after its task was cancelled.
    public var status: Int
    /// From the request's first byte to the response being handed to the socket (or, for a client
    /// that has gone, to the handler's return).
    public var duration: Duration
    public var requestBodyBytes: Int
    public var responseBodyBytes: Int
    /// Whether the response was sent or the client had gone first.
    public var outcome: HTTPRequestOutcome = .responded
}

/// How an exchange ended, as the observer is told.
public enum HTTPRequestOutcome: Sendable, Hashable {
    /// The response was handed to the socket.
    case responded
    /// The client closed (EOF) or reset the connection while the handler ran: the handler's task
    /// was cancelled. After a reset the response is dropped; after an EOF it is still written,
    /// best effort and with `Connection: close`, for a client that only half-closed (see ``HTTPServer``).
    case clientGone
}
