import Foundation
import ImageIO
import Testing
@testable import DepthService
import LiveTestSupport

/// /metrics, /v1/model, /openapi.yaml and the demo page on a live service.
@Suite("Operations endpoints (live)", .timeLimit(.minutes(2)))
struct OperationsEndpointTests {
    @Test func metricsCountRequestsByRouteAndStatusAndReportTheModel() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            let photo = try ServiceFixtures.jpeg(width: 96, height: 72)
            for _ in 0..<3 {
                #expect(try await client.request("POST", "/v1/depth", headers: [("Content-Type", "image/jpeg")], body: photo).status == 200)
            }
            #expect(try await client.request("POST", "/v1/depth", headers: [("Content-Type", "text/plain")], body: photo).status == 415)
            #expect(try await client.request("GET", "/no/such/page").status == 404)
            #expect(try await client.request("GET", "/healthz").status == 200)

            let response = try await client.request("GET", "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == MetricsRegistry.contentType)
            let metrics = try Exposition(response.bodyText)
            let requests = "depthd_http_requests_total"
            #expect(metrics.value(requests, ["route": "/v1/depth", "method": "POST", "status": "200"]) == "3")
            #expect(metrics.value(requests, ["route": "/v1/depth", "method": "POST", "status": "415"]) == "1")
            #expect(metrics.value(requests, ["route": "unmatched", "method": "GET", "status": "404"]) == "1",
                    "unknown paths are counted under one label, not their raw path")
            #expect(metrics.value(requests, ["route": "/healthz", "method": "GET", "status": "200"]) == "1")
            #expect(metrics.value("depthd_http_request_duration_seconds_count", ["route": "/v1/depth"]) == "4")
            #expect(metrics.value("depthd_model_seconds_count") == "3")
            #expect(metrics.value("depthd_model_queue_wait_seconds_count") == "3")
            #expect(metrics.value("depthd_model_batch_size_count") == "3", "warm-up batches are not counted")
            #expect(metrics.value("depthd_model_in_flight") == "0")
            #expect(metrics.value("depthd_model_queue_depth") == "0")
            #expect(metrics.value("depthd_ready") == "1")
            #expect(metrics.value("depthd_model_workers_warm") == "1")
            #expect(metrics.value("depthd_model_info", ["name": "tiny-paper-io", "input": "304x228", "output": "74x55"]) == "1")
            let resident = try #require(metrics.value("process_resident_memory_bytes").flatMap(Double.init))
            #expect(resident > 1_000_000)
            // Each answer took its network input, its photo-size grid and the grid's row pass from
            // the pool (process-wide, so other tests' requests may have added to the counts).
            let kept = try #require(metrics.value("depthd_buffer_pool_kept_bytes").flatMap(Double.init))
            let reused = try #require(metrics.value("depthd_buffer_pool_reused_total").flatMap(Double.init))
            let allocated = try #require(metrics.value("depthd_buffer_pool_allocated_total").flatMap(Double.init))
            #expect(allocated >= 1 && reused + allocated >= 9)
            #expect(kept >= 0 && kept <= Double(BufferPool.shared.limitBytes))
        }
    }

    @Test func modelEndpointDescribesTheLoadedWeights() async throws {
        try await withService { app in
            let response = try await RawClient(port: app.port).request("GET", "/v1/model")
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "application/json")
            let json = try #require(response.json)
            let model = try ServiceFixtures.tinyModel()
            #expect(json["name"] as? String == model.name)
            #expect(json["description"] as? String == model.modelDescription)
            #expect(json["trained_on"] as? String == model.trainedOn)
            let input = try #require(json["input"] as? [String: Any])
            #expect(input["width"] as? Int == 304 && input["height"] as? Int == 228 && input["channels"] as? Int == 3)
            let output = try #require(json["output"] as? [String: Any])
            #expect(output["width"] as? Int == 74 && output["height"] as? Int == 55 && output["unit"] as? String == "m")
            let architecture = try #require(json["architecture"] as? [String: Any])
            #expect((architecture["coarse"] as? [String: Any])?["fc6"] as? Int == model.architecture.coarse.fc6)
            #expect(json["metrics"] is [String: Any])
        }
    }

    @Test func openAPIDocumentIsServedAsIs() async throws {
        try await withService { app in
            let response = try await RawClient(port: app.port).request("GET", "/openapi.yaml")
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "application/yaml")
            #expect(!response.body.isEmpty)
            #expect(response.body == ServiceFixtures.openAPI.bytes)
            #expect(response.bodyText.hasPrefix("openapi: 3.1"))
        }
    }

    @Test func rootServesTheDemoPageWithAContentSecurityPolicy() async throws {
        try await withService { app in
            let response = try await RawClient(port: app.port).request("GET", "/")
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(response.headers["Content-Security-Policy"] == "default-src 'none'; script-src 'unsafe-inline'; "
                + "style-src 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'")
            #expect(response.bodyText == DemoPage.html)
            let head = try await RawClient(port: app.port).request("HEAD", "/")
            #expect(head.status == 200 && head.body.isEmpty)
        }
    }
}
