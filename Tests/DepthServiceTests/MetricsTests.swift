import Foundation
import Testing
@testable import DepthService

@Suite("Metrics")
struct MetricsTests {
    @Test func counterWithLabelsRendersHelpTypeAndOneLinePerSeries() throws {
        let registry = MetricsRegistry()
        let requests = registry.counter("depthd_http_requests_total", help: "HTTP requests by route and status.",
                                        labels: ["route", "status"])
        requests.increment(labels: ["/v1/depth", "200"])
        requests.increment(by: 2, labels: ["/v1/depth", "200"])
        requests.increment(labels: ["/healthz", "200"])
        let text = registry.exposition()
        #expect(text == """
            # HELP depthd_http_requests_total HTTP requests by route and status.
            # TYPE depthd_http_requests_total counter
            depthd_http_requests_total{route="/healthz",status="200"} 1
            depthd_http_requests_total{route="/v1/depth",status="200"} 3

            """)
        let parsed = try Exposition(text)
        #expect(parsed.type["depthd_http_requests_total"] == "counter")
        #expect(parsed.value("depthd_http_requests_total", ["route": "/v1/depth", "status": "200"]) == "3")
    }

    @Test func labelValuesAndHelpAreEscaped() throws {
        let registry = MetricsRegistry()
        let counter = registry.counter("odd_total", help: "back\\slash and\nnewline", labels: ["path"])
        let nasty = "a\"b\\c\nd"
        counter.increment(labels: [nasty])
        let text = registry.exposition()
        #expect(text.contains(#"# HELP odd_total back\\slash and\nnewline"#))
        #expect(text.contains(#"odd_total{path="a\"b\\c\nd"} 1"#))
        let parsed = try Exposition(text)
        #expect(parsed.lines.count == 3, "an escaped newline never breaks a line")
        #expect(parsed.value("odd_total", ["path": nasty]) == "1")
    }

    @Test func histogramBucketsAreCumulativeWithInfSumAndCount() throws {
        let registry = MetricsRegistry()
        let latency = registry.histogram("depthd_model_seconds", help: "Model time.", labels: ["route"],
                                         buckets: [0.01, 0.1, 1])
        for value in [0.005, 0.01, 0.05, 0.5, 3.0] { latency.observe(value, labels: ["/v1/depth"]) }
        let parsed = try Exposition(registry.exposition())
        #expect(parsed.type["depthd_model_seconds"] == "histogram")
        let route = ["route": "/v1/depth"]
        // 0.01 falls in le="0.01": bounds are inclusive.
        #expect(parsed.value("depthd_model_seconds_bucket", route.merging(["le": "0.01"]) { $1 }) == "2")
        #expect(parsed.value("depthd_model_seconds_bucket", route.merging(["le": "0.1"]) { $1 }) == "3")
        #expect(parsed.value("depthd_model_seconds_bucket", route.merging(["le": "1"]) { $1 }) == "4")
        #expect(parsed.value("depthd_model_seconds_bucket", route.merging(["le": "+Inf"]) { $1 }) == "5")
        #expect(parsed.value("depthd_model_seconds_count", route) == "5")
        let sum = try #require(parsed.value("depthd_model_seconds_sum", route).flatMap(Double.init))
        #expect(abs(sum - 3.565) < 1e-12)
        let buckets = parsed.samples.filter { $0.name == "depthd_model_seconds_bucket" }.map(\.labels["le"])
        #expect(buckets == ["0.01", "0.1", "1", "+Inf"], "buckets in ascending order")
    }

    @Test func unlabelledMetricsShowZeroBeforeTheFirstUpdate() throws {
        let registry = MetricsRegistry()
        _ = registry.counter("a_total", help: "A.")
        _ = registry.histogram("b_seconds", help: "B.", buckets: [1])
        let parsed = try Exposition(registry.exposition())
        #expect(parsed.value("a_total") == "0")
        #expect(parsed.value("b_seconds_bucket", ["le": "+Inf"]) == "0")
        #expect(parsed.value("b_seconds_count") == "0")
    }

    @Test func gaugesSetAddAndReadAtScrapeTime() throws {
        let registry = MetricsRegistry()
        let inFlight = registry.gauge("depthd_in_flight", help: "In flight.")
        inFlight.add(3)
        inFlight.add(-1)
        let depth = LockedCounter()
        registry.gauge("depthd_queue_depth", help: "Queue depth.") { Double(depth.value) }
        let info = registry.gauge("depthd_model_info", help: "Model.", labels: ["name"])
        info.set(1, labels: ["eigen2014"])
        depth.value = 7
        var parsed = try Exposition(registry.exposition())
        #expect(parsed.value("depthd_in_flight") == "2")
        #expect(parsed.value("depthd_queue_depth") == "7")
        #expect(parsed.value("depthd_model_info", ["name": "eigen2014"]) == "1")
        depth.value = 0
        parsed = try Exposition(registry.exposition())
        #expect(parsed.value("depthd_queue_depth") == "0")
    }

    @Test func nonFiniteAndFractionalValuesUsePrometheusSpelling() throws {
        let registry = MetricsRegistry()
        let gauge = registry.gauge("g", help: "G.", labels: ["k"])
        gauge.set(.infinity, labels: ["inf"])
        gauge.set(-.infinity, labels: ["minf"])
        gauge.set(.nan, labels: ["nan"])
        gauge.set(0.25, labels: ["q"])
        let parsed = try Exposition(registry.exposition())
        #expect(parsed.value("g", ["k": "inf"]) == "+Inf")
        #expect(parsed.value("g", ["k": "minf"]) == "-Inf")
        #expect(parsed.value("g", ["k": "nan"]) == "NaN")
        #expect(parsed.value("g", ["k": "q"]) == "0.25")
    }

    @Test func concurrentUpdatesAreNotLost() async throws {
        let registry = MetricsRegistry()
        let counter = registry.counter("c_total", help: "C.", labels: ["worker"])
        let histogram = registry.histogram("h_seconds", help: "H.", buckets: Histogram.latencySeconds)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for i in 0..<1000 {
                        counter.increment(labels: [String(worker % 2)])
                        histogram.observe(Double(i) / 1000)
                    }
                }
            }
        }
        let parsed = try Exposition(registry.exposition())
        #expect(parsed.value("c_total", ["worker": "0"]) == "4000")
        #expect(parsed.value("c_total", ["worker": "1"]) == "4000")
        #expect(parsed.value("h_seconds_count") == "8000")
    }

    @Test func metricNamesAreValidated() {
        #expect(MetricsRegistry.isValidMetricName("depthd_http_requests_total"))
        #expect(MetricsRegistry.isValidMetricName("ns:sub_metric"))
        #expect(!MetricsRegistry.isValidMetricName("9lives"))
        #expect(!MetricsRegistry.isValidMetricName("has-dash"))
        #expect(!MetricsRegistry.isValidMetricName(""))
        #expect(MetricsRegistry.isValidLabelName("route"))
        #expect(!MetricsRegistry.isValidLabelName("__reserved"))
        #expect(!MetricsRegistry.isValidLabelName("a:b"))
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = 0
    var value: Int {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }
}
