/// Answers a complete request; called concurrently for different connections, in order within one.
/// It runs in a task of its own whose executor is its connection's serial queue (see
/// `ConnectionExecutor`): blocking or long CPU work holds up only that connection, but occupies a
/// thread while it lasts, so hand it to threads of its own. The task is cancelled when the client
/// goes (see ``HTTPServer``).
public typealias HTTPHandler = @Sendable (HTTPRequest) async -> HTTPResponse

/// Everything the server can be told; defaults suit production behind a load balancer.
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind: "0.0.0.0", "127.0.0.1", "::", "::1" or a resolvable name. IPv6 listeners are IPv6-only.
    public var host = "0.0.0.0"
    /// Port to bind; 0 lets the kernel pick one (read it from `HTTPServer.port`).
    public var port = 8080
    public var backlog: Int32 = 511
    /// Request-line, header, body and chunking bounds.
    public var limits = HTTPParserLimits()
    /// Time from a request's first byte until its head is complete (408 beyond).
    public var headTimeout: Duration = .seconds(10)
    /// Time from the end of the head until the body is complete (408 beyond).
    public var bodyTimeout: Duration = .seconds(60)
    /// How long a keep-alive connection may wait for its next request before it is closed silently.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a response write may make no progress (a peer not reading) before the connection is dropped.
    public var writeStallTimeout: Duration = .seconds(30)
    /// The slowest average rate, in bytes per second, at which a peer may take a response once
    /// ``responseRateGracePeriod`` has passed: each response must be handed to the kernel within
    /// grace + size / rate, else the connection is reset. It bounds the slow-read attack, in which
    /// a peer reads a few bytes before every stall timeout and holds the connection for ever.
    /// nil turns the check off (the stall timeout still applies).
    public var minimumResponseRate: Int? = 4096
    /// Time every response gets before ``minimumResponseRate`` applies.
    public var responseRateGracePeriod: Duration = .seconds(10)
    /// After an error response the write side is shut and unread input drained this long, so the
    /// client reads the response instead of a reset.
    public var lingerTimeout: Duration = .seconds(2)
    /// Connections served at once. Beyond it, a new connection is accepted, answered
    /// `503 Service Unavailable` with `Connection: close` and `Retry-After`, and closed at once.
    public var maxConnections = 1024
    /// Requests served on one connection before it is closed (the last response says `Connection: close`).
    public var maxRequestsPerConnection = 1000
    /// Default time `shutdown()` lets in-flight requests finish before closing their connections.
    public var shutdownGracePeriod: Duration = .seconds(25)
    /// Sent as the Server header when set.
    public var serverName: String? = nil
    /// Consulted for a request with `Expect: 100-continue` before its body is read: return nil to
    /// send `100 Continue` and read the body, or a response (417, 413, 415, ...) to answer at once
    /// and close the connection without reading the body.
    public var continueHandler: (@Sendable (HTTPRequestHead) -> HTTPResponse?)? = nil
    /// Builds the response to a request the parser refused or that timed out (400, 408, 413, 431,
    /// 501, 505, ...); its status is always the error's. Default: ``HTTPResponse/init(rejecting:)``.
    public var errorResponder: (@Sendable (HTTPParseError) -> HTTPResponse)? = nil
    /// Called once per response (handler responses and parser rejections alike), off the hot path's locks.
    public var observer: (@Sendable (HTTPRequestObservation) -> Void)? = nil

    public init() {}

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
