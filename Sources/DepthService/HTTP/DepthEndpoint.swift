import DepthNet
import Foundation
import HTTPServer
import ImageIO
import Logging

/// `POST /v1/depth`: upload -> decode and prepare (image threads) -> model pool -> depth map scaled
/// for the photo's camera, at the requested size -> encode (image threads) -> png16, json, color,
/// npy or ply answer.
///
/// A request whose client goes while it is handled (the HTTP server cancels the handler's task) is
/// dropped at the next stage boundary: out of the image threads' queue or the model queue at once,
/// and never decoded, run or encoded after that; it is counted in `depthd_requests_cancelled_total`
/// by stage and logged, and its 499 answer goes nowhere (the connection is gone).
struct DepthEndpoint: Sendable {
    /// The route it answers.
    static let path = "/v1/depth"

    let configuration: ServiceConfiguration
    let pipeline: DepthPipeline
    let pool: ModelPool<PreparedImage, DepthMap>
    let cpu: CPUWorkPool
    let metrics: ServiceMetrics
    let logger: Logger
    /// Warm-up decides whether a request is served (``ServiceReadiness/isWarm``): requests already
    /// received during a drain still are.
    let readiness: ServiceReadiness

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        do {
            return try await estimate(request)
        } catch let cancelled as RequestCancelled {
            metrics.recordCancelled(cancelled.stage)
            logger.info("depth request dropped: the client went", metadata: [
                "request_id": .string(request.headers[RequestID.headerName] ?? ""), "outcome": "cancelled",
                "stage": .string(cancelled.stage.rawValue),
            ])
            // Written only to a client that half-closed; one that closed or reset sees nothing.
            let problem = ProblemDetails(title: "Client Closed Request", status: Self.clientClosedStatus,
                                         detail: "The connection was closed before the answer was ready, so the request was dropped.")
            return problem.response(to: request)
        } catch let problem as ProblemDetails {
            return problem.response(to: request)
        } catch let invalid as InvalidParameter {
            return ProblemDetails.forInvalidParameter(invalid).response(to: request)
        } catch {
            logger.error("depth request failed", metadata: [
                "request_id": .string(request.headers[RequestID.headerName] ?? ""), "error": .string(String(describing: error)),
            ])
            return ProblemDetails.internalError().response(to: request)
        }
    }

    private func estimate(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard readiness.isWarm else {
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
        let prepared = try await onImageThreads(.start, waiting: .decodeWait) { [pipeline] in
            try pipeline.prepare(bytes, options: options)
        }
        timing.add("decode", ContinuousClock.now - start)
        try Self.checkCancellation(.decode)
        try pipeline.check(prepared, options: options)

        let result: ModelPoolResult<DepthMap>
        do {
            result = try await pool.submit(prepared, slot: slot)
        } catch let error as ModelPoolError {
            throw problem(for: error)
        } catch is CancellationError {
            throw RequestCancelled(stage: .queue)
        }
        metrics.recordModel(result)
        timing.add("queue", result.queueWait)
        timing.add("model", result.computeTime)
        try Self.checkCancellation(.model)

        start = ContinuousClock.now
        let encoded = try await onImageThreads(.finish, waiting: .encodeWait) { [pipeline] in
            try pipeline.render(result.output, options: options)
        }
        timing.add("encode", ContinuousClock.now - start)
        try Self.checkCancellation(.encode)

        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: encoded.contentType)
        for field in encoded.headers { headers.add(name: field.name, value: field.value) }
        headers.add(name: ServerTiming.headerName, value: timing.headerValue)
        headers.add(name: "Cache-Control", value: "no-store")
        if result.batchSize > 1 { headers.add(name: "X-Model-Batch-Size", value: String(result.batchSize)) }
        return HTTPResponse(status: 200, headers: headers, body: encoded.bytes)
    }

    /// nginx's "client closed request": logged for a dropped request, never seen by a client.
    static let clientClosedStatus = 499

    /// Runs decode/encode work on the image threads, turning image errors into problems and a
    /// cancellation while the job waited for a thread into `waiting`.
    private func onImageThreads<Value: Sendable>(
        _ priority: CPUWorkPool.Priority, waiting: CancellationStage, _ body: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        do {
            return try await cpu.run(priority, body)
        } catch let error as ImageError {
            throw ProblemDetails.forImageError(error)
        } catch is CancellationError {
            throw RequestCancelled(stage: waiting)
        }
    }

    /// Throws if the client went while `stage` ran, so the stages after it are skipped.
    private static func checkCancellation(_ stage: CancellationStage) throws(RequestCancelled) {
        if Task.isCancelled { throw RequestCancelled(stage: stage) }
    }

    /// The pool's refusals as problems (503); its internal failures as they are (500).
    private func problem(for error: ModelPoolError) -> any Error {
        ProblemDetails.forModelPoolError(error, queueTimeout: configuration.requestTimeout) ?? error
    }
}

/// Thrown inside the endpoint when the request's task turns out cancelled, naming the stage.
struct RequestCancelled: Error {
    let stage: CancellationStage
}
