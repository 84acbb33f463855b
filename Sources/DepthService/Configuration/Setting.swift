import Foundation
import HTTPServer
import Logging

/// One setting of `depthd serve`, and the single table of them: each case's row in
/// ``definition`` states its environment variable, its flag (when not the case name in kebab
/// case), its help, how a value is read into ``ServiceConfiguration``, how the effective value is
/// written back, the range it must be in and, for a default derived from the machine or from
/// other settings, the ``DerivedDefault`` that computes and words it. `depthd serve`'s flags and
/// `--help` (defaults included), the environment, the start-up report (SettingsReport.swift) and
/// validation are all derived from the rows; a test holds docs/configuration.md to them.
///
/// Adding a setting: a case here, its row in ``definition`` (the compiler asks for it), and the
/// stored property it binds, with its fixed default, in ServiceConfiguration.swift (or, for a
/// derived one, its ``DerivedDefault`` there). Derived defaults are computed in table order, so a
/// rule may use the settings above its own.
public enum Setting: String, Sendable, CaseIterable, Hashable {
    case host, port, modelPath, workers, blasThreads, adaptiveBLASThreads, imageThreads, maxBatch, batchWait, queueDepth
    case maxBodyBytes, maxPixels, maxHeaderBytes
    case headerTimeout, bodyTimeout, idleTimeout, minResponseRate, maxConnections, maxRequestsPerConnection
    case requestTimeout, gracePeriod, logLevel, logFormat

    /// The row of the table for this setting.
    var definition: SettingDefinition {
        switch self {
        case .host:
            .text(\.host, "DEPTHD_HOST", help: "Address to listen on (IPv4 or IPv6; 0.0.0.0 all IPv4, :: all).",
                  valid: { !$0.isEmpty && !$0.contains(where: \.isWhitespace) },
                  "expected an IP address or host name without spaces")
        case .port:
            .integer(\.port, "DEPTHD_PORT", help: "TCP port to listen on (0 picks a free one).",
                     valid: 0...65535, "expected a port 0...65535 (0 picks a free port)")
        case .modelPath:
            .path(\.modelPath, "DEPTHD_MODEL", flag: "model",
                  help: "Weights file (.safetensors); one given is used exactly as given, the default is looked for.",
                  defaultNote: { defaults, executable in
                      // Each candidate is a folder followed by the default path: name the folders.
                      "looked for in " + defaults.modelCandidates(executablePath: executable).map { candidate in
                          let folder = String(candidate.dropLast(defaults.modelPath.count))
                          return folder.isEmpty ? "./" : folder
                      }.joined(separator: ", ")
                  })
        case .workers:
            .integer(\.workers, "DEPTHD_WORKERS", help: "Model workers.", default: ServiceConfiguration.defaultWorkers,
                     valid: 1...256, "expected 1...256 workers")
        case .blasThreads:
            .integer(\.blasThreads, "DEPTHD_BLAS_THREADS", help: "OpenBLAS threads per worker.",
                     default: ServiceConfiguration.defaultBLASThreads, valid: 1...256, "expected 1...256 threads")
        case .adaptiveBLASThreads:
            .toggle(\.adaptiveBLASThreads, "DEPTHD_ADAPTIVE_BLAS_THREADS", flag: "adaptive-blas-threads",
                    help: "1: a batch running while other workers idle uses their cores too; 0: always the BLAS threads.",
                    default: ServiceConfiguration.defaultAdaptiveBLASThreads)
        case .imageThreads:
            .integer(\.imageThreads, "DEPTHD_IMAGE_THREADS", help: "Threads that decode uploads and encode answers.",
                     default: ServiceConfiguration.defaultImageThreads, valid: 1...256, "expected 1...256 threads")
        case .maxBatch:
            .integer(\.maxBatch, "DEPTHD_MAX_BATCH", help: "Largest micro-batch; 1 turns batching off.",
                     valid: 1...64, "expected a batch size 1...64")
        case .batchWait:
            .duration(\.batchWait, "DEPTHD_BATCH_WAIT_MS", flag: "batch-wait-ms", unit: .milliseconds,
                      help: "Milliseconds a worker waits for a batch to fill; 0 turns batching off.",
                      valid: { $0 >= .zero && $0 <= .seconds(1) }, "expected 0...1000 ms")
        case .queueDepth:
            .integer(\.queueDepth, "DEPTHD_QUEUE_DEPTH",
                     help: "Requests that may wait for a worker before 503.",
                     default: ServiceConfiguration.defaultQueueDepth, valid: 1...100_000, "expected 1...100000 queued requests")
        case .maxBodyBytes:
            .integer(\.maxBodyBytes, "DEPTHD_MAX_BODY_BYTES", help: "Largest request body in bytes (413 beyond).",
                     valid: 1...(1 << 32), "expected 1...4294967296 bytes")
        case .maxPixels:
            .integer(\.maxPixels, "DEPTHD_MAX_PIXELS", help: "Largest image in pixels, checked before decoding (413 beyond).",
                     valid: 1...1_000_000_000, "expected 1...1000000000 pixels")
        case .maxHeaderBytes:
            .integer(\.maxHeaderBytes, "DEPTHD_MAX_HEADER_BYTES", help: "Largest request head in bytes (431 beyond).",
                     valid: 1024...(1 << 20), "expected 1024...1048576 bytes")
        case .headerTimeout:
            .timeout(\.headerTimeout, "DEPTHD_HEADER_TIMEOUT_S", flag: "header-timeout",
                     help: "Seconds to receive the request head (408 beyond).")
        case .bodyTimeout:
            .timeout(\.bodyTimeout, "DEPTHD_BODY_TIMEOUT_S", flag: "body-timeout",
                     help: "Seconds to receive the request body (408 beyond).")
        case .idleTimeout:
            .timeout(\.idleTimeout, "DEPTHD_IDLE_TIMEOUT_S", flag: "idle-timeout",
                     help: "Seconds an idle keep-alive connection stays open.")
        case .minResponseRate:
            .integer(\.minResponseRate, "DEPTHD_MIN_RESPONSE_RATE",
                     help: "Bytes per second a client must take its response at, after "
                        + "\(Self.seconds(HTTPServerConfiguration().responseRateGracePeriod)) s of grace (0 turns it off).",
                     valid: 0...(1 << 30), "expected 0...1073741824 bytes per second (0 turns the check off)")
        case .maxConnections:
            .integer(\.maxConnections, "DEPTHD_MAX_CONNECTIONS", help: "Simultaneous connections; more are refused at once.",
                     valid: 1...1_000_000, "expected 1...1000000 connections")
        case .maxRequestsPerConnection:
            .integer(\.maxRequestsPerConnection, "DEPTHD_MAX_REQUESTS_PER_CONNECTION",
                     help: "Requests served on one keep-alive connection before it is closed.",
                     valid: 1...Int.max, "expected at least 1")
        case .requestTimeout:
            .timeout(\.requestTimeout, "DEPTHD_REQUEST_TIMEOUT_S", flag: "request-timeout",
                     help: "Seconds a request may wait for a model worker (503 beyond).")
        case .gracePeriod:
            .duration(\.gracePeriod, "DEPTHD_GRACE_PERIOD_S", flag: "grace-period",
                      help: "Seconds to finish in-flight requests after SIGTERM/SIGINT.",
                      valid: { $0 >= .zero && $0 <= .seconds(3600) }, "expected 0...3600 seconds")
        case .logLevel:
            .choice(\.logLevel, "DEPTHD_LOG_LEVEL", help: "trace, debug, info, notice, warning, error or critical.",
                    "expected one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        case .logFormat:
            .choice(\.logFormat, "DEPTHD_LOG_FORMAT", help: "text or json (one JSON object per line).", "expected text or json")
        }
    }

    /// The environment variable, e.g. `DEPTHD_PORT`.
    public var environmentVariable: String { definition.environmentVariable }

    /// The long flag without its dashes, e.g. `blas-threads` for `--blas-threads`: the row's own,
    /// else the case name in kebab case (maxBodyBytes -> max-body-bytes).
    public var flag: String {
        definition.flag ?? rawValue.reduce(into: "") { out, c in
            if c.isUppercase { out += "-" + c.lowercased() } else { out.append(c) }
        }
    }

    /// What the setting means, in one line, without its default (see ``defaultDescription(coreCount:executablePath:)``).
    public var help: String { definition.help }

    /// The default as `--help` states it on a machine with `coreCount` cores, for the executable at
    /// `executablePath`: a fixed default as written (`8080`), a derived one as its rule and, when it
    /// depends on the cores, its value there (`max(1, cores / workers); 1 on this machine`).
    public func defaultDescription(
        coreCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        executablePath: String = CommandLine.arguments.first ?? "depthd"
    ) -> String {
        defaultDescription(defaults: ServiceConfiguration(coreCount: coreCount), executablePath: executablePath)
    }

    /// `defaultDescription` with the machine's defaults already made (`usage` makes them once).
    func defaultDescription(defaults: ServiceConfiguration, executablePath: String) -> String {
        let row = definition
        let value = row.write(defaults)
        if let derived = row.derivedRule {
            return derived.dependsOnCores ? "\(derived.rule); \(value) on this machine" : derived.rule
        }
        return value + (row.defaultNote.map { "; " + $0(defaults, executablePath) } ?? "")
    }

    /// The default as docs/configuration.md states it, the same on every machine: a fixed default
    /// as written (`8080`), a derived one as its rule.
    public var documentedDefault: String {
        let row = definition
        return row.derivedRule?.rule ?? row.write(ServiceConfiguration(coreCount: 1))
    }

    /// Every setting as `depthd serve --help` lists it: flag and variable, then the help line with
    /// the default on this machine (``defaultDescription(coreCount:executablePath:)``).
    public static func usage(
        coreCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        executablePath: String = CommandLine.arguments.first ?? "depthd"
    ) -> String {
        let defaults = ServiceConfiguration(coreCount: coreCount)
        return allCases.map { setting in
            "  --\(setting.flag) <value>  (\(setting.environmentVariable))\n      \(setting.help)"
                + " (default: \(setting.defaultDescription(defaults: defaults, executablePath: executablePath)))"
        }.joined(separator: "\n")
    }

    /// Whole seconds as a whole number (`10`), else as a decimal (`2.5`).
    static func seconds(_ duration: Duration) -> String {
        String(format: "%g", duration.seconds)
    }

    /// Parses `value` into `configuration`, or throws ``SettingValueError`` saying what was expected.
    func apply(_ value: String, to configuration: inout ServiceConfiguration) throws {
        try definition.read(value.trimmingCharacters(in: .whitespaces), &configuration)
    }
}

struct SettingValueError: Error {
    var expected: String
}
