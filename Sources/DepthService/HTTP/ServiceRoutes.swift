import DepthNet
import Foundation
import HTTPServer
import Logging

/// Every route of the service on an ``HTTPRouter``, wrapped so that each response carries its
/// request id and each request is logged; also the server hooks (problem+json for requests the
/// HTTP layer refuses, request metrics from its observer).
struct ServiceRoutes: Sendable {
    static let demoPageSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        + "img-src 'self' blob: data:; connect-src 'self'"
    /// Probes and scrapes are logged at debug so that they do not drown the request log.
    private static let quietPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    let configuration: ServiceConfiguration
    let metrics: ServiceMetrics
    let logger: Logger
    let router: HTTPRouter
    private let readiness: ServiceReadiness

    init(configuration: ServiceConfiguration, pipeline: DepthPipeline, openAPI: OpenAPIDocument,
         pool: ModelPool<PreparedImage, DepthMap>, cpu: CPUWorkPool, metrics: ServiceMetrics, logger: Logger,
         readiness: ServiceReadiness) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.readiness = readiness
        let depth = DepthEndpoint(configuration: configuration, pipeline: pipeline, pool: pool, cpu: cpu, metrics: metrics,
                                  logger: logger, readiness: readiness)
        let modelJSON = Array(ModelDescription.json(of: pipeline.model).serialized.utf8)
        let page = Array(DemoPage.html.utf8)

        var router = HTTPRouter()
        router.add("POST", DepthEndpoint.path) { request in await depth.respond(to: request) }
        router.add("GET", "/healthz") { _ in Self.json(200, .object([("status", "ok")])) }
        router.add("GET", "/readyz") { request in
            switch readiness.state {
            case let .ready(workers):
                return Self.json(200, .object([("status", "ready"), ("workers", .integer(workers)),
                                               ("warmed_workers", .integer(workers))]))
            case .draining:
                return ProblemDetails.notReady("The service is draining (shutting down); send requests to another replica.")
                    .response(to: request)
            case let .warmingUp(warmed, workers):
                return ProblemDetails.notReady("Warming up: \(warmed) of \(workers) model workers are ready.")
                    .response(to: request)
            }
        }
        router.add("GET", "/metrics") { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": MetricsRegistry.contentType, "Cache-Control": "no-store"],
                         body: Array(metrics.registry.exposition().utf8))
        }
        router.add("GET", "/v1/model") { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: modelJSON)
        }
        router.add("GET", "/openapi.yaml") { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": OpenAPIDocument.mediaType], body: openAPI.bytes)
        }
        router.add("GET", "/") { _ in
            HTTPResponse(status: 200, headers: [
                "Content-Type": "text/html; charset=utf-8",
                "Content-Security-Policy": Self.demoPageSecurityPolicy,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            ], body: page)
        }
        router.notFound = { request in ProblemDetails.notFound(path: request.path).response(to: request) }
        // The router adds `Allow` to this answer; the problem's body lists the same methods.
        router.methodNotAllowed = { [router] request in
            let allowed = router.allowedMethods(for: request.path)
            return ProblemDetails.methodNotAllowed(method: request.method, path: request.path, allowed: allowed)
                .response(to: request)
        }
        self.router = router
    }

    /// The server handler: resolves the request id (the client's `X-Request-Id` if acceptable),
    /// routes with it in place, echoes it and logs the exchange.
    var handler: HTTPHandler {
        let routes = self
        return { request in
            let start = ContinuousClock.now
            var request = request
            let id = RequestID.resolve(incoming: request.headers[RequestID.headerName])
            request.headers.set(name: RequestID.headerName, value: id)
            var response = await routes.router.respond(to: request)
            response.headers.set(name: RequestID.headerName, value: id)
            let level: Logger.Level = response.status >= 500 ? .warning
                : Self.quietPaths.contains(request.path) ? .debug : .info
            routes.logger.log(level: level, "\(request.method) \(request.path) \(response.status)", metadata: [
                "request_id": .string(id), "method": .string(request.method), "path": .string(request.path),
                "status": .stringConvertible(response.status), "remote": .string(request.remoteAddress),
                "duration_ms": .string(ServerTiming.milliseconds(ContinuousClock.now - start)),
                "bytes_in": .stringConvertible(request.body.count), "bytes_out": .stringConvertible(response.body.count),
            ])
            return response
        }
    }

    /// The route template a request counts under in metrics: the path when a route serves it,
    /// `unmatched` otherwise (never the raw path, so clients cannot create series).
    func routeTemplate(path: String?) -> String {
        guard let path, router.hasRoute(for: path) else { return "unmatched" }
        return path
    }

    /// Observer hook: counts every response the server sends, including its own refusals, and
    /// every exchange whose client went first as 499 ("client closed request", as nginx logs it).
    func record(_ observation: HTTPRequestObservation) {
        let status = observation.outcome == .clientGone ? DepthEndpoint.clientClosedStatus : observation.status
        metrics.recordRequest(route: routeTemplate(path: observation.path), method: observation.method ?? "unknown",
                              status: status, duration: observation.duration)
    }

    /// problem+json for requests the HTTP layer refuses (malformed, too slow, too large...).
    func problemForRejectedRequest(_ error: HTTPParseError) -> HTTPResponse {
        let id = RequestID.resolve(incoming: nil)
        var response = ProblemDetails.forRejectedRequest(error, maxBodyBytes: configuration.maxBodyBytes).response(requestID: id)
        response.headers.set(name: RequestID.headerName, value: id)
        logger.info("request refused by the HTTP layer: \(error)", metadata: ["request_id": .string(id)])
        return response
    }

    /// For `Expect: 100-continue`: refuse an upload before its body is sent when the answer is
    /// already known (not ready, unsupported media type); nil lets the client send it.
    func answerBeforeBody(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.method == "POST", head.path == DepthEndpoint.path, !readiness.isReady else { return nil }
        return ProblemDetails.notReady("The service is not ready; retry shortly.").response(requestID: nil)
    }

    // MARK: - Responses

    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
                     body: Array(value.serialized.utf8))
    }
}
