import DepthNet
import Foundation
import HTTPServer
import ImageIO
import Logging

/// `POST /v1/depth`: upload -> decode and prepare (image threads) -> model pool -> depth map scaled
/// for the photo's camera, at the requested size -> encode (image threads) -> png16, json, color,
/// npy or ply answer.
struct DepthEndpoint: Sendable {
    let configuration: ServiceConfiguration
    let pipeline: DepthPipeline
    let pool: ModelPool<PreparedImage, DepthMap>
    let cpu: CPUWorkPool
    let metrics: ServiceMetrics
    let logger: Logger
    /// True once every worker has run its warm-up batch.
    let isWarm: @Sendable () -> Bool

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        do {
            return try await estimate(request)
        } catch let problem as ProblemDetails {
            let retryAfter = problem.status == 503 ? 1 : nil
            return ServiceRoutes.problem(problem, request: request, retryAfter: retryAfter)
        } catch {
            logger.error("depth request failed", metadata: [
                "request_id": .string(request.headers["X-Request-Id"] ?? ""), "error": .string(String(describing: error)),
            ])
            return ServiceRoutes.problem(.internalError(), request: request)
        }
    }

    private func estimate(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard isWarm() else {
            throw ProblemDetails.notReady("The model is still warming up; retry shortly.")
        }
        let options = try DepthRequestOptions.parse(query: { request.queryValue($0.rawValue) }, accept: request.headers["Accept"])
        let bytes = try ImageUpload.imageBytes(of: request, maxBodyBytes: configuration.maxBodyBytes)
        var timing = ServerTiming()

        // A place in the queue before the decode: under overload a refusal must cost no decoding.
        let slot: QueueSlot
        do {
            slot = try pool.reserve()
        } catch let error as ModelPoolError {
            throw problem(for: error)
        }
        defer { pool.release(slot) }

        var start = ContinuousClock.now
        let prepared = try await onImageThreads { [pipeline] in try pipeline.prepare(bytes, options: options) }
        timing.add("decode", ContinuousClock.now - start)
        try pipeline.check(prepared, options: options)

        let result: ModelPoolResult<DepthMap>
        do {
            result = try await pool.submit(prepared, slot: slot)
        } catch let error as ModelPoolError {
            throw problem(for: error)
        }
        metrics.recordModel(result)
        timing.add("queue", result.queueWait)
        timing.add("model", result.computeTime)

        start = ContinuousClock.now
        let encoded = try await onImageThreads { [pipeline] in try pipeline.render(result.output, options: options) }
        timing.add("encode", ContinuousClock.now - start)

        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: encoded.contentType)
        for field in encoded.headers { headers.add(name: field.name, value: field.value) }
        headers.add(name: "Server-Timing", value: timing.headerValue)
        headers.add(name: "Cache-Control", value: "no-store")
        if result.batchSize > 1 { headers.add(name: "X-Model-Batch-Size", value: String(result.batchSize)) }
        return HTTPResponse(status: 200, headers: headers, body: encoded.bytes)
    }

    /// Runs decode/encode work on the image threads, turning image errors into problems.
    private func onImageThreads<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        do {
            return try await cpu.run(body)
        } catch let error as ImageError {
            throw ProblemDetails.forImageError(error)
        }
    }

    private func problem(for error: ModelPoolError) -> any Error {
        switch error {
        case .overloaded:
            return ProblemDetails.overloaded(retryAfterSeconds: 1)
        case .shuttingDown:
            return ProblemDetails.notReady("The service is draining (shutting down); send the request to another replica.")
        case .deadlineExceeded:
            return ProblemDetails.queueTimeout(seconds: configuration.requestTimeout.seconds)
        case .batchSizeMismatch, .workerStartFailed:
            return error
        }
    }
}
