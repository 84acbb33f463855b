import Foundation
import Testing
@testable import DepthService
import LiveTestSupport

/// The default 2-core layout, live with the bundled model: two workers whose batches share the
/// cores (two BLAS threads for one alone, one each when both run) give the depth of one alone.
@Suite("Layout (live)", .timeLimit(.minutes(3)))
struct LayoutLiveTests {
    @Test func batchesSharingTheCoresGiveTheSameDepthAsABatchRunningAlone() async throws {
        let defaults = ServiceConfiguration(coreCount: 2)
        #expect((defaults.workers, defaults.blasThreads, defaults.adaptiveBLASThreads) == (2, 1, true))
        let configuration = testConfiguration {
            $0.workers = defaults.workers
            $0.blasThreads = defaults.blasThreads
            $0.adaptiveBLASThreads = defaults.adaptiveBLASThreads
        }
        try await withService(configuration, model: try ServiceFixtures.bundledModel()) { app in
            let photo = try ServiceFixtures.jpeg()
            func depth() async throws -> [Float] {
                let response = try await RawClient(port: app.port).request(
                    "POST", "/v1/depth?format=npy&size=native", headers: [("Content-Type", "image/jpeg")], body: photo)
                try #require(response.status == 200, "\(response.bodyText)")
                return try #require(DepthFiles.npy(response.body)).values
            }
            let alone = try await depth()
            let together = try await withThrowingTaskGroup(of: [Float].self) { group in
                for _ in 0..<8 { group.addTask { try await depth() } }
                return try await group.reduce(into: [[Float]]()) { $0.append($1) }
            }
            #expect(app.pool.statistics.completed == 1 + together.count)
            for values in together {
                #expect(values.count == alone.count)
                let largest = zip(values, alone).map { abs($0 - $1) / $1 }.max() ?? .infinity
                #expect(largest < 1e-4, "largest relative difference from the lone request: \(largest)")
            }
        }
    }
}
