import Foundation
import Testing
@testable import DepthService
import LiveTestSupport

/// The queue's promise, live on loopback with the bundled model and JPEG uploads: no 503 while
/// fewer requests are outstanding than the configured queue depth.
@Suite("Admission (live)", .timeLimit(.minutes(3)))
struct AdmissionLiveTests {
    /// What scripts/bench-server.sh hit (837 refusals at concurrency 16): wrk ends a run by closing
    /// its connections with requests outstanding, and the next run's clients found the queue still
    /// full of the work those gone clients had left.
    @Test func requestsLeftByClientsThatWentDoNotRefuseTheNextClientsAtTheQueueDepth() async throws {
        let configuration = testConfiguration()
        let depth = configuration.queueDepth
        try await withService(configuration, model: try ServiceFixtures.bundledModel()) { app in
            let clients = UploadClients(port: app.port, photo: try ServiceFixtures.jpeg())
            // A previous run stops: `depth` clients send an upload each and close without reading.
            for _ in 0..<depth { try await clients.sendAndClose() }
            // Time for the server to see the closed connections (milliseconds; this is ample under load).
            try await Task.sleep(for: .milliseconds(200))

            // The next run: `depth` keep-alive clients, each resending the moment it has an answer,
            // so at most `depth` requests are ever outstanding.
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<depth { group.addTask { try await clients.resendUntil(answers: 2) } }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            let refused = statuses.count(where: { $0 == 503 })
            #expect(refused == 0, "\(refused) of \(statuses.count) requests were refused with \(depth) clients and a queue of \(depth)")
            #expect(statuses.allSatisfy { $0 == 200 }, "statuses other than 200: \(Set(statuses).subtracting([200]))")
            #expect(app.pool.statistics.rejectedOverloaded == 0)
        }
    }
}
