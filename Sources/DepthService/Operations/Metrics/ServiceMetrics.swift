import Foundation
import ImageIO

/// The metric families `/metrics` exposes, registered once per process.
///
/// Labels hold route *templates* (`/v1/depth`, or `unmatched` for 404s), never raw paths, so a
/// client cannot grow the number of series.
public final class ServiceMetrics: Sendable {
    public let registry: MetricsRegistry
    /// `depthd_http_requests_total{route,method,status}`
    public let requests: Counter
    /// `depthd_http_request_duration_seconds{route}`: from the request head read to the response written.
    public let requestDuration: Histogram
    /// `depthd_model_queue_wait_seconds`: time a request waited for a model worker.
    public let queueWait: Histogram
    /// `depthd_model_seconds`: compute time of the batch each request ran in.
    public let modelDuration: Histogram
    /// `depthd_model_info{name,input,output} 1`
    public let modelInfo: Gauge
    /// `depthd_requests_cancelled_total{stage}`: requests dropped because their client went, by
    /// the stage they were dropped at (``CancellationStage``).
    public let cancelled: Counter

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        requests = registry.counter("depthd_http_requests_total", help: "HTTP requests answered, by route, method and status.",
                                    labels: ["route", "method", "status"])
        requestDuration = registry.histogram("depthd_http_request_duration_seconds",
                                             help: "Time from the request head to the last response byte, by route.",
                                             labels: ["route"], buckets: Histogram.latencySeconds)
        queueWait = registry.histogram("depthd_model_queue_wait_seconds", help: "Time a request waited for a model worker.",
                                       buckets: Histogram.latencySeconds)
        modelDuration = registry.histogram("depthd_model_seconds", help: "Model compute time of the batch each request ran in.",
                                           buckets: Histogram.latencySeconds)
        modelInfo = registry.gauge("depthd_model_info", help: "The loaded model (always 1).", labels: ["name", "input", "output"])
        cancelled = registry.counter("depthd_requests_cancelled_total",
                                     help: "Depth requests dropped because the client went, by the stage they were dropped at.",
                                     labels: ["stage"])
        // Every stage exported from the start, so that rate() sees the first cancellation.
        for stage in CancellationStage.allCases { cancelled.increment(by: 0, labels: [stage.rawValue]) }
        registry.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes.") {
            Double(ServiceMetrics.residentMemoryBytes() ?? 0)
        }
        let buffers = BufferPool.shared
        registry.gauge("depthd_buffer_pool_kept_bytes", help: "Bytes of request buffers kept for reuse (at most the pool's limit).") {
            Double(buffers.statistics.keptBytes)
        }
        registry.counter("depthd_buffer_pool_reused_total", help: "Request buffers served from kept blocks.") {
            Double(buffers.statistics.reused)
        }
        registry.counter("depthd_buffer_pool_allocated_total", help: "Request buffers that needed a fresh block.") {
            Double(buffers.statistics.allocated)
        }
    }

    /// Registers the pool's gauges and counters, read from its statistics at scrape time, and
    /// `depthd_ready` from `readiness` (what `/readyz` answers, draining included).
    public func observe<Input, Output>(pool: ModelPool<Input, Output>, readiness: ServiceReadiness) {
        let statistics: @Sendable () -> ModelPoolStatistics = { pool.statistics }
        registry.gauge("depthd_model_queue_depth", help: "Requests waiting for a model worker.") { Double(statistics().queueDepth) }
        registry.gauge("depthd_model_queue_capacity", help: "Requests that may wait before 503.") { Double(pool.queueCapacity) }
        registry.gauge("depthd_model_in_flight", help: "Requests inside batches being computed.") { Double(statistics().inFlight) }
        registry.gauge("depthd_model_workers", help: "Model workers.") { Double(pool.workerCount) }
        registry.gauge("depthd_model_workers_warm", help: "Model workers that have run their warm-up.") { Double(statistics().warmedWorkers) }
        registry.gauge("depthd_ready", help: "1 when /readyz answers 200.") { readiness.isReady ? 1 : 0 }
        registry.counter("depthd_model_rejected_total", help: "Requests refused because the queue was full (503).") {
            Double(statistics().rejectedOverloaded)
        }
        registry.counter("depthd_model_expired_total", help: "Requests that waited past their deadline (503).") {
            Double(statistics().expiredInQueue)
        }
        let sizes = (1...pool.maxBatch).map(Double.init)
        registry.histogram("depthd_model_batch_size", help: "Requests per model batch.", buckets: sizes) {
            let counts = statistics().batchSizeCounts
            let sum = zip(1..., counts).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            return (counts.map { UInt64($0) } + [0], sum)
        }
    }

    /// Records a finished HTTP request.
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        requests.increment(labels: [route, method, String(status)])
        requestDuration.observe(duration, labels: [route])
    }

    /// Counts a request dropped at `stage` because its client went.
    func recordCancelled(_ stage: CancellationStage) {
        cancelled.increment(labels: [stage.rawValue])
    }

    /// Records the model timings of one request.
    public func recordModel<Output>(_ result: ModelPoolResult<Output>) {
        queueWait.observe(result.queueWait)
        modelDuration.observe(result.computeTime)
    }

    /// Resident set size from /proc/self/statm (Linux), or nil where it cannot be read.
    static func residentMemoryBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
