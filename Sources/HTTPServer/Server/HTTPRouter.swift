/// Dispatches requests by exact path and method. An unknown path is answered 404; a known path
/// with another method 405 with `Allow`; HEAD falls back to the GET route (the server drops the
/// body); OPTIONS on a known path is answered 204 with `Allow` unless routed explicitly.
public struct HTTPRouter: Sendable {
    private var routes: [String: [String: HTTPHandler]] = [:]
    /// Answers requests for paths with no route.
    public var notFound: HTTPHandler = { _ in HTTPResponse(status: 404, text: "not found\n") }
    /// Answers a known path requested with a method it does not serve; the router adds `Allow`.
    public var methodNotAllowed: HTTPHandler = { _ in HTTPResponse(status: 405, text: "method not allowed\n") }

    public init() {}

    /// Routes `method` on `path` (exact match on the still-encoded path, without the query).
    public mutating func add(_ method: String, _ path: String, _ handler: @escaping HTTPHandler) {
        routes[path, default: [:]][method] = handler
    }

    /// True when `path` has a route (whatever its methods): one lookup, for callers on every request.
    public func hasRoute(for path: String) -> Bool {
        routes[path] != nil
    }

    /// The methods `path` answers, sorted, including the implied HEAD and OPTIONS; empty for an unknown path.
    public func allowedMethods(for path: String) -> [String] {
        guard let methods = routes[path] else { return [] }
        var allowed = Set(methods.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        allowed.insert("OPTIONS")
        return allowed.sorted()
    }

    /// The response for `request`.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        guard let methods = routes[request.path] else { return await notFound(request) }
        if let handler = methods[request.method] ?? (request.method == "HEAD" ? methods["GET"] : nil) {
            return await handler(request)
        }
        let allow = allowedMethods(for: request.path).joined(separator: ", ")
        if request.method == "OPTIONS" { return HTTPResponse(status: 204, headers: ["Allow": allow]) }
        var response = await methodNotAllowed(request)
        response.headers.set(name: "Allow", value: allow)
        return response
    }

    /// The router as a server handler.
    public var handler: HTTPHandler {
        let router = self
        return { request in await router.respond(to: request) }
    }
}
