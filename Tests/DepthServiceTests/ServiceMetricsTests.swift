import Foundation
import Testing
@testable import DepthService

@Suite("ServiceMetrics")
struct ServiceMetricsTests {
    /// A pool whose workers compute a dot product with a fixed vector held in their state.
    private func dotProductPool(maxBatch: Int) -> ModelPool<[Double], Double> {
        ModelPool(workers: 1, queueCapacity: 32, maxBatch: maxBatch, maxBatchWait: .milliseconds(1),
                  makeState: { _ in [1.0, 2.0, 3.0] },
                  runBatch: { weights, inputs in inputs.map { zip($0, weights).reduce(0) { $0 + $1.0 * $1.1 } } })
    }

    @Test func poolStateAppearsAtScrapeTime() async throws {
        let pool = dotProductPool(maxBatch: 4)
        let metrics = ServiceMetrics()
        metrics.observe(pool: pool, readiness: ServiceReadiness(pool: pool))
        var parsed = try Exposition(metrics.registry.exposition())
        #expect(parsed.value("depthd_ready") == "0")
        #expect(parsed.value("depthd_model_workers") == "1")
        #expect(parsed.value("depthd_model_queue_capacity") == "32")

        try await pool.warmUp([[0, 0, 0]])
        for i in 0..<5 {
            let result = try await pool.submit([Double(i), 1, 1])
            #expect(result.output == Double(i) + 5)
            metrics.recordModel(result)
            metrics.recordRequest(route: "/v1/depth", method: "POST", status: 200, duration: .milliseconds(12))
        }
        metrics.recordRequest(route: "unmatched", method: "GET", status: 404, duration: .microseconds(80))
        metrics.modelInfo.set(1, labels: ["eigen2014-synthetic", "304x228", "74x55"])

        parsed = try Exposition(metrics.registry.exposition())
        #expect(parsed.value("depthd_ready") == "1")
        #expect(parsed.value("depthd_model_workers_warm") == "1")
        #expect(parsed.value("depthd_model_queue_depth") == "0")
        #expect(parsed.value("depthd_model_in_flight") == "0")
        #expect(parsed.type["depthd_model_rejected_total"] == "counter")
        #expect(parsed.value("depthd_http_requests_total", ["route": "/v1/depth", "method": "POST", "status": "200"]) == "5")
        #expect(parsed.value("depthd_http_requests_total", ["route": "unmatched", "method": "GET", "status": "404"]) == "1")
        #expect(parsed.value("depthd_http_request_duration_seconds_count", ["route": "/v1/depth"]) == "5")
        #expect(parsed.value("depthd_http_request_duration_seconds_bucket", ["route": "/v1/depth", "le": "0.01"]) == "0")
        #expect(parsed.value("depthd_http_request_duration_seconds_bucket", ["route": "/v1/depth", "le": "0.025"]) == "5")
        #expect(parsed.value("depthd_model_seconds_count") == "5")
        #expect(parsed.value("depthd_model_queue_wait_seconds_count") == "5")
        // Sequential requests run alone: five batches of one.
        #expect(parsed.value("depthd_model_batch_size_bucket", ["le": "1"]) == "5")
        #expect(parsed.value("depthd_model_batch_size_bucket", ["le": "+Inf"]) == "5")
        #expect(parsed.value("depthd_model_batch_size_sum") == "5")
        #expect(parsed.value("depthd_model_info", ["name": "eigen2014-synthetic", "input": "304x228", "output": "74x55"]) == "1")
        let rss = try #require(parsed.value("process_resident_memory_bytes").flatMap(Double.init))
        #expect(rss > 1_000_000, "a Swift process holds more than a megabyte")

        await pool.drain()
        parsed = try Exposition(metrics.registry.exposition())
        #expect(parsed.value("depthd_ready") == "0", "draining turns readiness off")
    }
}
