import Foundation
import Testing
@testable import DepthService
import LiveTestSupport
import TestSupport

/// Requests whose clients go are dropped before they cost more work, live on loopback with the
/// bundled model: counted by stage in /metrics, never run through the model once dropped.
@Suite("Cancellation (live)", .timeLimit(.minutes(3)))
struct CancellationLiveTests {
    @Test func uploadsWhoseClientsCloseWhileTheWorkerIsBusyAreCountedAndSkipTheModel() async throws {
        let abandoned = 8
        try await withService(testConfiguration(), model: try ServiceFixtures.bundledModel()) { app in
            let clients = UploadClients(port: app.port, photo: try ServiceFixtures.jpeg())
            // Three live clients keep the only worker busy and the queue non-empty.
            let stop = StopFlag()
            let live = Task {
                try await withThrowingTaskGroup(of: [Int].self) { group in
                    for _ in 0..<3 { group.addTask { try await clients.resendUntil(keepGoing: { !stop.isSet }) } }
                    return try await group.reduce(into: [Int]()) { $0 += $1 }
                }
            }
            try await waitFor("the live clients to keep the worker busy") {
                let statistics = app.pool.statistics
                return statistics.inFlight == 1 && statistics.completed >= 1
            }
            for _ in 0..<abandoned { try await clients.sendAndClose() }
            var counted = 0.0
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                counted = try await clients.metrics().cancelledByStage.values.reduce(0, +)
                if counted >= Double(abandoned) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            stop.set()
            let statuses = try await live.value
            #expect(statuses.allSatisfy { $0 == 200 }, "live clients got \(Set(statuses))")

            let metrics = try await clients.metrics()
            let byStage = metrics.cancelledByStage
            #expect(byStage.values.reduce(0, +) == Double(abandoned), "cancelled by stage: \(byStage)")
            // Every request the model ran was either answered or cancelled after its batch.
            let predictions = metrics.number("depthd_model_batch_size_sum")
            let ranThenCancelled = [CancellationStage.model, .encodeWait, .encode].reduce(0) { $0 + byStage[$1, default: 0] }
            #expect(predictions == Double(statuses.count) + ranThenCancelled)
            #expect(predictions < Double(statuses.count + abandoned), "no abandoned upload was dropped before the model: \(byStage)")
            #expect(metrics.number("depthd_model_queue_depth") == 0)

            // Still healthy: ready, and a new upload is answered.
            let probe = try RawClient(port: app.port)
            #expect(try await probe.request("GET", "/readyz").status == 200)
            #expect(try await probe.request("POST", "/v1/depth", headers: [("Content-Type", "image/jpeg")],
                                            body: clients.photo).status == 200)
            #expect(app.pool.statistics.inFlight == 0)
        }
    }
}
