import Foundation
import Logging

/// Every setting of `depthd serve`, with its default; its environment variable, flag, help, range
/// and text form are its row of the ``Setting`` table.
///
/// Precedence: a command-line flag beats the environment, which beats the default. Defaults that
/// depend on the machine or on other settings are ``DerivedDefault``s (see ``init(coreCount:)``),
/// and they follow explicit values: `DEPTHD_WORKERS=4` alone also re-derives the BLAS threads and
/// the queue depth from 4 workers. docs/configuration.md lists the same table for operators (a
/// test checks that it names every setting with the default stated here).
public struct ServiceConfiguration: Sendable, Equatable {
    public enum LogFormat: String, Sendable, CaseIterable {
        /// Human-readable lines (swift-log's stream handler).
        case text
        /// One JSON object per line (``JSONLogHandler``), for log collectors.
        case json
    }

    /// The model file used when neither `DEPTHD_MODEL` nor `--model` is given.
    public static let defaultModelPath = "models/eigen2014-synthetic.safetensors"

    public var host = "0.0.0.0"
    public var port = 8080
    /// As given; resolve it with ``locateModel(executablePath:fileExists:)``.
    public var modelPath = ServiceConfiguration.defaultModelPath
    /// ``defaultWorkers``.
    public var workers: Int
    /// OpenBLAS threads each batch gets while every worker runs one (OpenBLAS's pool is global);
    /// ``defaultBLASThreads``.
    public var blasThreads: Int
    /// True: a batch running while other workers are idle uses their cores too (``BLASThreadGovernor``);
    /// false: every batch uses ``blasThreads``. ``defaultAdaptiveBLASThreads``.
    public var adaptiveBLASThreads: Bool
    /// Threads of the ``CPUWorkPool`` that decodes uploads and encodes answers; ``defaultImageThreads``.
    public var imageThreads: Int
    /// 1 (micro-batching off) by default: measured by scripts/bench-server.sh on the 2-core machine,
    /// batches of 4 of the paper-size model ran at 0.91x the per-image rate of single images
    /// (engine alone) and lowered HTTP throughput; it pays for small models (2.1x for the tiny one).
    public var maxBatch = 1
    public var batchWait: Duration = .milliseconds(2)
    /// ``defaultQueueDepth``.
    public var queueDepth: Int
    public var maxBodyBytes = 32 * 1024 * 1024
    public var maxPixels = 40_000_000
    public var maxHeaderBytes = 16 * 1024
    public var headerTimeout: Duration = .seconds(10)
    public var bodyTimeout: Duration = .seconds(30)
    public var idleTimeout: Duration = .seconds(60)
    /// Bytes per second below which a client taking its response is cut off (slow-read defence);
    /// 0 turns the check off. 4 KiB/s passes any real link, including a poor mobile one.
    public var minResponseRate = 4096
    public var maxConnections = 512
    public var maxRequestsPerConnection = 1000
    /// How long a request may wait for a model worker before it is answered 503.
    public var requestTimeout: Duration = .seconds(30)
    /// How long a drain (SIGTERM/SIGINT) waits for in-flight requests before exiting anyway.
    public var gracePeriod: Duration = .seconds(25)
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text
    /// The settings that were given explicitly, and where from (`DEPTHD_PORT` or `--port`).
    public private(set) var origins: [Setting: String] = [:]

    /// The defaults for a machine with `coreCount` cores: the fixed ones above, and the derived
    /// ones below computed in the table's order.
    ///
    /// ``defaultWorkers`` and ``defaultBLASThreads`` keep workers x BLAS threads within the cores
    /// (no oversubscription, which makes OpenBLAS spin and slows every request). On 2 cores that
    /// is 2 workers x 1 thread: under load each core runs a whole request (decode, model, encode)
    /// and no BLAS thread waits at a barrier while its partner's core decodes; a request running
    /// alone still gets both cores for its matrix products (``adaptiveBLASThreads``), so
    /// single-request latency stays that of 1 x 2. docs/service.md (*Layout*) has the
    /// measurements. The queue (``defaultQueueDepth``) holds four full batches per worker, and at
    /// least 16 requests: a queue of 8 made 16 concurrent clients of one worker spend the cores on
    /// refusals (3.88 answers/s against 9.58 at concurrency 4 with the paper-size network,
    /// scripts/bench-server.sh), while 16 queued requests wait 16 inference times (about 1.4 s at
    /// the paper's size).
    public init(coreCount: Int = ProcessInfo.processInfo.activeProcessorCount) {
        // Placeholders, each replaced by its rule below before anything reads it.
        (workers, blasThreads, adaptiveBLASThreads, imageThreads, queueDepth) = (1, 1, true, 1, 1)
        deriveDefaults(coreCount: coreCount)
    }

    /// Half the cores, and at least two workers (one on one core).
    static let defaultWorkers = DerivedDefault<Int>(rule: "max(min(cores, 2), cores / 2)", dependsOnCores: true) { cores, _ in
        max(min(cores, 2), cores / 2)
    }
    /// The cores shared between the workers, at least one thread each.
    static let defaultBLASThreads = DerivedDefault<Int>(rule: "max(1, cores / workers)", dependsOnCores: true) { cores, c in
        max(1, cores / max(1, c.workers))
    }
    /// Threads given explicitly are kept for every batch unless adaptation is asked for too.
    static let defaultAdaptiveBLASThreads = DerivedDefault<Bool>(
        rule: "1, or 0 when \(Setting.blasThreads.environmentVariable) or --\(Setting.blasThreads.flag) is given",
        dependsOnCores: false
    ) { _, c in c.origins[.blasThreads] == nil }
    /// One image thread per core (docs/service.md, *Layout*).
    static let defaultImageThreads = DerivedDefault<Int>(rule: "cores", dependsOnCores: true) { cores, _ in cores }
    /// Four full batches per worker, at least 16 requests.
    static let defaultQueueDepth = DerivedDefault<Int>(rule: "max(16, 4 x workers x max batch)", dependsOnCores: true) { _, c in
        // Clamped so out-of-range values (reported by validation) cannot overflow here first.
        max(16, 4 * min(max(c.workers, 1), 256) * min(max(c.maxBatch, 1), 64))
    }

    /// Sets every setting with a derived default that was not given explicitly to its rule's value
    /// for `coreCount` cores, in the table's order (a rule reads the settings above it).
    private mutating func deriveDefaults(coreCount: Int) {
        let cores = max(1, coreCount)
        for setting in Setting.allCases where origins[setting] == nil {
            setting.definition.derive?(cores, &self)
        }
    }

    /// Reads `environment` (the `DEPTHD_*` variables), then `flags` (values given on the command
    /// line), over the defaults for `coreCount` cores, and validates the result.
    /// Throws ``ConfigurationError`` listing every bad value at once.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        flags: [Setting: String] = [:],
        coreCount: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration(coreCount: coreCount)
        var problems: [String] = []
        for setting in Setting.allCases {
            let given: (value: String, origin: String)?
            if let value = flags[setting] {
                given = (value, "--\(setting.flag)")
            } else if let value = environment[setting.environmentVariable] {
                given = (value, setting.environmentVariable)
            } else {
                given = nil
            }
            guard let given else { continue }
            do {
                try setting.apply(given.value, to: &configuration)
                configuration.origins[setting] = given.origin
            } catch let error as SettingValueError {
                problems.append("\(given.origin)=\(given.value.debugDescription): \(error.expected)")
            }
        }
        configuration.deriveDefaults(coreCount: coreCount)
        problems += configuration.validationProblems()
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
        return configuration
    }

    /// Where `setting` came from, for messages: its flag or variable, else "default".
    public func origin(of setting: Setting) -> String { origins[setting] ?? "\(setting.environmentVariable) (default)" }

    /// Every value out of its range (each setting's row of the ``Setting`` table says which
    /// range), as sentences naming the flag or variable.
    public func validationProblems() -> [String] {
        Setting.allCases.compactMap { setting in
            let definition = setting.definition
            guard let expected = definition.check(self) else { return nil }
            let value = definition.write(self)
            return "\(origin(of: setting))=\(definition.quotesValue ? value.debugDescription : value): \(expected)"
        }
    }

    /// Advice that does not stop the service, such as more threads than cores.
    public func warnings(coreCount: Int = ProcessInfo.processInfo.activeProcessorCount) -> [String] {
        var warnings: [String] = []
        let threads = workers.multipliedReportingOverflow(by: blasThreads)
        if threads.overflow || threads.partialValue > coreCount {
            warnings.append("\(workers) workers x \(blasThreads) BLAS threads = \(threads.partialValue) threads on \(coreCount) cores: "
                + "they will compete for the cores; lower \(Setting.workers.environmentVariable) or \(Setting.blasThreads.environmentVariable)")
        }
        if maxBatch > queueDepth {
            warnings.append("\(Setting.maxBatch.environmentVariable) \(maxBatch) exceeds \(Setting.queueDepth.environmentVariable) \(queueDepth): batches can never fill")
        }
        return warnings
    }

    /// The model files tried, in order, for the default model path: the working directory, beside
    /// the executable, the install prefix's share/depthd, /usr/share/depthd, and /app (the container
    /// image's layout). An explicit `--model`/`DEPTHD_MODEL` is used exactly as given, never searched.
    public func modelCandidates(executablePath: String) -> [String] {
        if origins[.modelPath] != nil || modelPath.hasPrefix("/") { return [modelPath] }
        let executableDirectory = (executablePath as NSString).deletingLastPathComponent
        return [
            modelPath,
            executableDirectory + "/" + modelPath,
            ((executableDirectory as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent("share/depthd/" + modelPath),
            "/usr/share/depthd/" + modelPath,
            "/app/" + modelPath,
        ]
    }

    /// The first of ``modelCandidates(executablePath:)`` that exists, or an error naming them all.
    public func locateModel(
        executablePath: String = CommandLine.arguments.first ?? "",
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) throws -> String {
        let candidates = modelCandidates(executablePath: executablePath)
        if let found = candidates.first(where: fileExists) { return found }
        throw ConfigurationError(problems: [
            "model file not found (\(origin(of: .modelPath))); tried " + candidates.joined(separator: ", ")
        ])
    }
}
