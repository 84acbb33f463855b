import Foundation
import Testing
import LiveTestSupport
import TestSupport

/// The real `depthd serve` binary as a subprocess: SIGTERM while a request is in flight closes the
/// listener, lets that request finish, and exits 0.
@Suite("depthd serve drain (subprocess)", .timeLimit(.minutes(2)))
struct ServeCommandDrainTests {
    @Test func sigtermDrainsAnInFlightRequestThenExitsZero() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DepthdProcess.binary())
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--model", ServiceFixtures.tinyModelPath,
                             "--workers", "1", "--grace-period", "20", "--log-format", "json"]
        let log = LogCollector()
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        stderr.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        let exited = ExitWaiter(process)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let port = try await log.listeningPort(timeout: .seconds(60))
        try await waitFor("/readyz to answer 200", timeout: .seconds(60), every: .milliseconds(50)) {
            (try? await RawClient(port: port).request("GET", "/readyz").status) == 200
        }

        // A request whose body is only half sent is in progress when SIGTERM arrives.
        let photo = try ServiceFixtures.jpeg(width: 320, height: 240)
        let client = try RawClient(port: port)
        // The interim 100 proves the server has parsed the head (the connection is mid-body, not
        // idle) before SIGTERM; a fixed sleep lost that race on a loaded machine.
        let head = RawClient.head("POST", "/v1/depth", headers: [("Content-Type", "image/jpeg"), ("Expect", "100-continue")],
                                  bodyLength: photo.count)
        try await client.send(bytes: head)
        #expect(try await client.readResponse()?.status == 100)
        try await client.send(bytes: Array(photo.prefix(photo.count / 2)))
        #expect(kill(process.processIdentifier, SIGTERM) == 0)

        // The listener closes: new connections are refused while the old one is served.
        try await waitFor("the listener to close after SIGTERM", timeout: .seconds(10), every: .milliseconds(20)) {
            (try? RawClient(port: port)) == nil
        }
        #expect(process.isRunning, "still running while a request is in flight")

        try await client.send(bytes: Array(photo.suffix(from: photo.count / 2)))
        let response = try #require(try await client.readResponse())
        #expect(response.status == 200)
        #expect(PNGHeader(response.body) == PNGHeader(width: 320, height: 240, bitDepth: 16, colorType: 0))
        #expect(response.headers["Connection"] == "close")

        let status = await exited.status(timeout: .seconds(30))
        #expect(status == 0, "exit status; log:\n\(log.text)")
        #expect(log.text.contains("\"message\":\"draining\""))
        #expect(log.text.contains("drained; exiting"))
    }
}

/// Collects a subprocess's standard error (JSON log lines).
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// The port from the `listening` log line.
    func listeningPort(timeout: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in text.split(separator: "\n") where line.contains("\"message\":\"listening\"") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                   let metadata = object["metadata"] as? [String: Any],
                   let port = (metadata["port"] as? String).flatMap(Int.init) {
                    return port
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no listening line in:\n\(text)")
        throw CancellationError()
    }
}

/// The exit status of a process, awaited without blocking a thread.
final class ExitWaiter: @unchecked Sendable {
    private let lock = NSLock()
    private var exitStatus: Int32?

    init(_ process: Process) {
        process.terminationHandler = { [self] process in
            lock.withLock { exitStatus = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus }
        }
    }

    func status(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = lock.withLock({ exitStatus }) { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
