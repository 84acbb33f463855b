import Foundation

/// Runs the real, built `depthd` executable as a subprocess.
///
/// The binary is found, in order, at `$DEPTHD_BINARY`, beside the test bundle's executable
/// (SwiftPM puts the test runner and `depthd` in the same build folder, e.g. .build/debug/), or at
/// <repository root>/.build/debug/depthd. `swift test` builds `depthd` with the tests.
enum DepthdProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func binary() throws -> String {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["DEPTHD_BINARY"] { candidates.append(path) }
        for base in [Bundle.main.executablePath, Bundle.main.bundlePath].compactMap({ $0 }) {
            var folder = URL(fileURLWithPath: base).deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent("depthd").path)
            folder = folder.deletingLastPathComponent()  // a macOS .xctest bundle's Contents/MacOS
            candidates.append(folder.appendingPathComponent("depthd").path)
        }
        candidates.append(ServiceFixtures.repositoryRoot.appendingPathComponent(".build/debug/depthd").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey:
                "depthd executable not found (run swift build); tried " + candidates.joined(separator: ", ")])
        }
        return found
    }

    /// Runs `depthd arguments...` in `directory` and waits for it (killing it after `timeout`).
    ///
    /// The waiting happens on a dedicated thread, never on Swift concurrency's cooperative pool:
    /// on a 2-core machine that pool has two threads, and a test blocked on a subprocess would
    /// starve every live server in the same test process.
    static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:],
                    timeout: Duration = .seconds(300)) async throws -> Result {
        let executable = URL(fileURLWithPath: try binary())
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result {
                    try runBlocking(executable, arguments, in: directory, environment: extra, timeout: timeout)
                })
            }.start()
        }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String], in directory: URL,
                                    environment extra: [String: String], timeout: Duration) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DEPTHD_") }
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // A hung child fails its test instead of hanging the whole run.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(timeout.components.seconds)), execute: watchdog)
        defer { watchdog.cancel() }
        // Read both pipes concurrently so neither can fill and block the child.
        nonisolated(unsafe) var errData = Data()
        let done = DispatchSemaphore(value: 0)
        Thread { errData = err.fileHandleForReading.readDataToEndOfFile(); done.signal() }.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh empty folder under the temporary directory.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("depthd-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The names in `folder`, sorted (hidden files included, so leftover temporaries show).
    static func contents(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }
}
