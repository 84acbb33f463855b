import Foundation
import HTTPServer
import Testing
@testable import DepthService
import LiveTestSupport
import TestSupport

/// Readiness follows warm-up and drain; a full queue answers 503 with Retry-After at once.
@Suite("Readiness and overload (live)", .timeLimit(.minutes(2)))
struct ReadinessAndOverloadTests {
    @Test func beforeWarmUpReadyzAndDepthAre503WhileHealthzIs200() async throws {
        try await withService(warm: false) { app in
            let client = try RawClient(port: app.port)
            #expect(try await client.request("GET", "/healthz").status == 200)
            let ready = try await client.request("GET", "/readyz")
            _ = try ServiceErrorLiveTests.expectProblem(ready, status: 503, type: "not-ready", detailContains: "Warming up")
            let depth = try await client.request("POST", "/v1/depth", headers: [("Content-Type", "image/jpeg")],
                                                 body: try ServiceFixtures.jpeg(width: 64, height: 48))
            _ = try ServiceErrorLiveTests.expectProblem(depth, status: 503, type: "not-ready", detailContains: "warming up")
            #expect(depth.headers["Retry-After"] == "1")

            try await app.warmUp()
            let warm = try await client.request("GET", "/readyz")
            #expect(warm.status == 200)
            #expect(warm.json?["status"] as? String == "ready")
            #expect(warm.json?["warmed_workers"] as? Int == 1)
        }
    }

    @Test func drainTurnsReadyzTo503() async throws {
        let app = DepthApplication(configuration: testConfiguration(), model: try ServiceFixtures.tinyModel(),
                                   openAPI: ServiceFixtures.openAPI, logger: silentLogger)
        try app.start()
        try await app.warmUp()
        #expect(app.isReady)
        let finished = await app.drain(gracePeriod: .seconds(5))
        #expect(finished)
        #expect(!app.isReady)
        #expect(throws: (any Error).self) { try RawClient(port: app.port) }
    }

    /// `depthd_ready` reads the same readiness as `/readyz`: it turns 0 the moment a drain begins,
    /// while the model pool still accepts (it finishes the requests in progress first), not only
    /// once the pool stops. Before one owner, the gauge said 1 through that window.
    @Test func depthdReadyAgreesWithReadyzThroughoutADrain() async throws {
        let app = DepthApplication(configuration: testConfiguration(), model: try ServiceFixtures.tinyModel(),
                                   openAPI: ServiceFixtures.openAPI, logger: silentLogger)
        try app.start()
        try await app.warmUp()
        func readyz() async -> HTTPResponse {
            await app.routes.handler(HTTPRequest(method: "GET", target: "/readyz", path: "/readyz"))
        }
        func gauge() throws -> String? { try Exposition(app.metrics.registry.exposition()).value("depthd_ready") }
        #expect(await readyz().status == 200)
        #expect(try gauge() == "1")

        // A request whose head is read and whose body is half sent keeps the drain waiting.
        let photo = try ServiceFixtures.jpeg(width: 64, height: 48)
        let client = try RawClient(port: app.port)
        try await client.send(bytes: RawClient.head("POST", "/v1/depth?size=native",
                                                    headers: [("Content-Type", "image/jpeg"), ("Expect", "100-continue")],
                                                    bodyLength: photo.count))
        #expect(try await client.readResponse()?.status == 100)
        try await client.send(bytes: Array(photo.prefix(photo.count / 2)))

        let drained = Task { await app.drain(gracePeriod: .seconds(20)) }
        try await waitFor("the drain to begin") { app.readiness.state == .draining }
        #expect(app.pool.statistics.isAccepting, "the pool still accepts: the window this test is about")
        let during = await readyz()
        #expect(during.status == 503 && during.headers["Retry-After"] == "1")
        let problem = try #require(try JSONSerialization.jsonObject(with: Data(during.body)) as? [String: Any])
        #expect(problem["type"] as? String == "tag:depthd,2026:problems/not-ready")
        #expect((problem["detail"] as? String)?.contains("draining") == true)
        #expect(try gauge() == "0", "depthd_ready must say what /readyz says")
        #expect(!app.isReady)

        try await client.send(bytes: Array(photo.suffix(from: photo.count / 2)))
        #expect(try await client.readResponse()?.status == 200)
        #expect(await drained.value)
        #expect(!app.pool.statistics.isAccepting)
        #expect(await readyz().status == 503)
        #expect(try gauge() == "0")
    }

    @Test func fullQueueAnswers503BeforeDecodingWhileQueuedWorkStillCompletes() async throws {
        let configuration = testConfiguration {
            $0.maxBatch = 1
            $0.queueDepth = 1
        }
        try await withService(configuration, model: try ServiceFixtures.slowModel()) { app in
            let small = try ServiceFixtures.jpeg(width: 64, height: 48)
            func post(_ body: [UInt8]) async throws -> RawResponse {
                try await RawClient(port: app.port).request("POST", "/v1/depth?size=native",
                                                             headers: [("Content-Type", "image/jpeg")], body: body)
            }
            // C is a truncated JPEG (right signature, undecodable): the full queue must refuse it
            // before decoding it (503, not 400).
            let truncated = Array(small.prefix(small.count / 2))
            // A occupies the only worker, B the only queue slot; C finds the queue full. On a loaded
            // machine A may finish (a few hundred ms) before B is queued, or before C arrives: then
            // nothing was full, every request is served, and the three are tried again.
            var refused: RawResponse?
            for _ in 0..<5 {
                let completedBefore = app.pool.statistics.completed
                let a = Task { try await post(small) }
                try await waitFor("the first request to reach the worker") { app.pool.statistics.inFlight == 1 }
                let b = Task { try await post(small) }
                try await waitFor("the second request to be queued or to run") {
                    app.pool.statistics.queueDepth == 1 || app.pool.statistics.completed > completedBefore
                }
                let c = app.pool.statistics.queueDepth == 1 ? try await post(truncated) : nil
                #expect(try await a.value.status == 200)
                #expect(try await b.value.status == 200)
                if let c, c.status == 503 {
                    refused = c
                    break
                }
            }
            let response = try #require(refused, "the queue was never found full in five tries")
            _ = try ServiceErrorLiveTests.expectProblem(response, status: 503, type: "overloaded", detailContains: "queue is full")
            #expect(response.headers["Retry-After"] == "1")
            #expect(response.json?["retry_after"] as? Int == 1)
            #expect(app.pool.statistics.rejectedOverloaded == 1)
        }
    }
}
