import Foundation
import Testing
@testable import DepthService
import LiveTestSupport
import TestSupport

/// The default layout, live on the real `depthd serve` binary with the bundled model (a subprocess,
/// so that its process-wide OpenBLAS thread count cannot reach the other tests' servers): batches
/// that share the cores (every core for one alone, fewer each when several run) give the depth of
/// a batch running alone.
@Suite("Layout (subprocess)", .timeLimit(.minutes(3)))
struct LayoutLiveTests {
    @Test func batchesSharingTheCoresGiveTheSameDepthAsABatchRunningAlone() async throws {
        let defaults = ServiceConfiguration()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DepthdProcess.binary())
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--model", ServiceFixtures.bundledModelPath,
                             "--log-format", "json"]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DEPTHD_") }
        let log = LogCollector()
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        stderr.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let port = try await log.listeningPort(timeout: .seconds(60))
        let clients = UploadClients(port: port, photo: try ServiceFixtures.jpeg())
        try await waitFor("/readyz to answer 200", timeout: .seconds(60), every: .milliseconds(50)) {
            (try? await RawClient(port: port).request("GET", "/readyz").status) == 200
        }
        #expect(try await clients.metrics().number("depthd_model_workers") == Double(defaults.workers))
        #expect(log.text.contains("DEPTHD_ADAPTIVE_BLAS_THREADS=1"), "the effective settings line: \(log.text)")

        func depth() async throws -> [Float] {
            let response = try await RawClient(port: port).request(
                "POST", "/v1/depth?format=npy&size=native", headers: [("Content-Type", "image/jpeg")], body: clients.photo)
            try #require(response.status == 200, "\(response.bodyText)")
            return try #require(DepthFiles.npy(response.body)).values
        }
        let alone = try await depth()
        let together = try await withThrowingTaskGroup(of: [Float].self) { group in
            for _ in 0..<(4 * defaults.workers) { group.addTask { try await depth() } }
            return try await group.reduce(into: [[Float]]()) { $0.append($1) }
        }
        #expect(try await clients.metrics().number("depthd_model_batch_size_sum") == Double(1 + together.count))
        for values in together {
            #expect(values.count == alone.count)
            // Thread counts change how OpenBLAS splits a product, so the last bits may differ.
            let largest = zip(values, alone).map { abs($0 - $1) / $1 }.max() ?? .infinity
            #expect(largest < 1e-4, "largest relative difference from the lone request: \(largest)")
        }
        kill(process.processIdentifier, SIGTERM)
    }
}
