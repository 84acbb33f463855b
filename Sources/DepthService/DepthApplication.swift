import DepthNet
import Foundation
import HTTPServer
import Logging

/// The running service: the model loaded once, a pool of warm model workers, the CPU threads that
/// decode and encode images, and the HTTP server with every route.
///
/// Lifecycle: ``init(configuration:model:openAPI:logger:)`` builds everything (workers allocate
/// their predictors on their own threads); ``start()`` binds and starts answering (`/healthz` 200,
/// `/readyz` and `/v1/depth` 503 until warm); ``warmUp()`` runs one full batch on every worker and
/// turns `/readyz` to 200; ``drain(gracePeriod:)`` turns `/readyz` to 503, stops accepting, lets
/// in-flight requests finish and stops the workers.
public final class DepthApplication: Sendable {
    public let configuration: ServiceConfiguration
    public let model: DepthModel
    public let metrics: ServiceMetrics
    /// Decode and prepare, predict, render: shared with `depthd predict`.
    public let pipeline: DepthPipeline
    let pool: ModelPool<PreparedImage, DepthMap>
    let cpu: CPUWorkPool
    let server: HTTPServer
    let logger: Logger
    /// Whether the service takes requests: what `/readyz`, `depthd_ready` and ``isReady`` report.
    let readiness: ServiceReadiness
    let routes: ServiceRoutes

    /// Builds the service around `model`. Sets the OpenBLAS thread count (process-wide) from the
    /// configuration, and from then on per batch (``BLASThreadGovernor``). Nothing listens until ``start()``.
    public init(configuration: ServiceConfiguration, model: DepthModel, openAPI: OpenAPIDocument, logger: Logger) {
        self.configuration = configuration
        self.model = model
        self.logger = logger
        OpenBLAS.setThreadCount(configuration.blasThreads)
        let governor = BLASThreadGovernor(cores: ProcessInfo.processInfo.activeProcessorCount,
                                          floor: configuration.blasThreads, adaptive: configuration.adaptiveBLASThreads)
        let maxBatch = configuration.maxBatch
        let pipeline = DepthPipeline(model: model, maxPixels: configuration.maxPixels)
        self.pipeline = pipeline
        pool = ModelPool<PreparedImage, DepthMap>(
            workers: configuration.workers, queueCapacity: configuration.queueDepth,
            maxBatch: maxBatch, maxBatchWait: configuration.batchWait,
            defaultQueueTimeout: configuration.requestTimeout,
            makeState: { _ in try Predictor(model: model, maximumBatchSize: maxBatch) },
            runBatch: { predictor, images in
                try governor.run { try DepthPipeline.predict(images: images, predictor: predictor) }
            })
        var imageActivity: (@Sendable (Int) -> Void)? = nil
        if governor.adaptive { imageActivity = { @Sendable delta in governor.imageWorkChanged(by: delta) } }
        cpu = CPUWorkPool(threads: configuration.imageThreads, name: "image-work", onActivity: imageActivity)
        readiness = ServiceReadiness(pool: pool)
        metrics = ServiceMetrics()
        metrics.observe(pool: pool, readiness: readiness)
        metrics.modelInfo.set(1, labels: [
            model.name,
            "\(model.architecture.inputWidth)x\(model.architecture.inputHeight)",
            "\(model.architecture.outputWidth)x\(model.architecture.outputHeight)",
        ])
        let routes = ServiceRoutes(configuration: configuration, pipeline: pipeline, openAPI: openAPI, pool: pool, cpu: cpu,
                                   metrics: metrics, logger: logger, readiness: readiness)
        self.routes = routes
        server = HTTPServer(configuration: Self.serverConfiguration(configuration, routes: routes), handler: routes.handler)
    }

    /// Binds the listener and starts answering. Throws `SocketError` (e.g. EADDRINUSE from "bind").
    public func start() throws(SocketError) {
        try server.start()
    }

    /// The bound port (the kernel's choice when configured with 0).
    public var port: Int { server.port }

    /// Runs one batch of `maxBatch` images on every worker (touching every workspace and all the
    /// weights), after which `/readyz` answers 200. Throws if a worker could not start.
    public func warmUp() async throws {
        try await pool.warmUp(Array(repeating: pipeline.preparation.blank(), count: configuration.maxBatch))
    }

    /// True once every worker is warm, until a drain begins (what `/readyz` reports).
    public var isReady: Bool { readiness.isReady }

    /// Turns `/readyz` to 503, closes the listener, lets requests in progress finish within
    /// `gracePeriod` (default: the configuration's), then stops the model workers and the image
    /// threads. Returns false if the grace period ran out first.
    public func drain(gracePeriod: Duration? = nil) async -> Bool {
        readiness.beginDrain()
        let grace = gracePeriod ?? configuration.gracePeriod
        let finished = await GracefulDrain.run(gracePeriod: grace) { [server, pool] in
            await server.shutdown(gracePeriod: grace)
            await pool.drain()
        }
        cpu.stop()
        return finished
    }

    private static func serverConfiguration(_ configuration: ServiceConfiguration, routes: ServiceRoutes) -> HTTPServerConfiguration {
        var server = HTTPServerConfiguration(host: configuration.host, port: configuration.port)
        server.limits.maxBodyBytes = configuration.maxBodyBytes
        server.limits.maxHeaderBytes = configuration.maxHeaderBytes
        server.headTimeout = configuration.headerTimeout
        server.bodyTimeout = configuration.bodyTimeout
        server.idleTimeout = configuration.idleTimeout
        server.minimumResponseRate = configuration.minResponseRate > 0 ? configuration.minResponseRate : nil
        server.maxConnections = configuration.maxConnections
        server.maxRequestsPerConnection = configuration.maxRequestsPerConnection
        server.shutdownGracePeriod = configuration.gracePeriod
        server.serverName = "depthd"
        server.errorResponder = { error in routes.problemForRejectedRequest(error) }
        server.continueHandler = { head in routes.answerBeforeBody(head) }
        server.observer = { observation in routes.record(observation) }
        return server
    }
}
