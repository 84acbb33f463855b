import Foundation
import HTTPServer
import Logging
import Testing
import TestSupport
@testable import DepthService

@Suite("ServiceConfiguration")
struct ServiceConfigurationTests {
    @Test func defaultsNeverOversubscribeTheCores() throws {
        for cores in [1, 2, 3, 4, 8, 16, 64] {
            let configuration = try ServiceConfiguration.resolve(environment: [:], coreCount: cores)
            #expect(configuration.workers >= 1 && configuration.blasThreads >= 1)
            #expect(configuration.workers * configuration.blasThreads <= max(cores, 1), "\(cores) cores")
            #expect(configuration.warnings(coreCount: cores).isEmpty, "\(cores) cores")
        }
        let two = ServiceConfiguration(coreCount: 2)
        #expect((two.workers, two.blasThreads, two.adaptiveBLASThreads) == (2, 1, true))
        let sixteen = ServiceConfiguration(coreCount: 16)
        #expect((sixteen.workers, sixteen.blasThreads) == (8, 2))
    }

    @Test func documentedDefaultsWhenNothingIsSet() throws {
        let c = try ServiceConfiguration.resolve(environment: [:], coreCount: 4)
        #expect(c.host == "0.0.0.0" && c.port == 8080)
        #expect(c.modelPath == "models/eigen2014-synthetic.safetensors")
        #expect(c.maxPixels == 40_000_000)
        #expect(c.logFormat == .text && c.logLevel == .info)
        #expect(c.queueDepth == max(16, 4 * c.workers * c.maxBatch))
        #expect(c.origins.isEmpty)
    }

    @Test func environmentOverridesDefaultsAndFlagsOverrideEnvironment() throws {
        let c = try ServiceConfiguration.resolve(
            environment: ["DEPTHD_PORT": "9000", "DEPTHD_HOST": "::1", "DEPTHD_LOG_FORMAT": "JSON",
                          "DEPTHD_BATCH_WAIT_MS": "0.5", "DEPTHD_GRACE_PERIOD_S": "2.5", "DEPTHD_LOG_LEVEL": "debug"],
            flags: [.port: "9001"], coreCount: 4)
        #expect(c.port == 9001 && c.origins[.port] == "--port")
        #expect(c.host == "::1" && c.origins[.host] == "DEPTHD_HOST")
        #expect(c.logFormat == .json && c.logLevel == .debug)
        #expect(c.batchWait == .microseconds(500))
        #expect(c.gracePeriod == .milliseconds(2500))
    }

    @Test func derivedDefaultsFollowExplicitWorkers() throws {
        let c = try ServiceConfiguration.resolve(environment: ["DEPTHD_WORKERS": "4"], coreCount: 16)
        #expect(c.workers == 4 && c.blasThreads == 4)
        #expect(c.queueDepth == 4 * 4 * c.maxBatch)
        let pinned = try ServiceConfiguration.resolve(
            environment: ["DEPTHD_WORKERS": "4", "DEPTHD_BLAS_THREADS": "1", "DEPTHD_QUEUE_DEPTH": "3"], coreCount: 16)
        #expect(pinned.blasThreads == 1 && pinned.queueDepth == 3)
    }

    @Test func explicitBLASThreadsArePinnedUnlessAdaptationIsAskedFor() throws {
        let derived = try ServiceConfiguration.resolve(environment: [:], coreCount: 2)
        #expect(derived.adaptiveBLASThreads)
        let pinned = try ServiceConfiguration.resolve(environment: ["DEPTHD_BLAS_THREADS": "2", "DEPTHD_WORKERS": "1"], coreCount: 2)
        #expect(pinned.blasThreads == 2 && !pinned.adaptiveBLASThreads)
        let both = try ServiceConfiguration.resolve(environment: ["DEPTHD_BLAS_THREADS": "1", "DEPTHD_ADAPTIVE_BLAS_THREADS": "1"], coreCount: 2)
        #expect(both.blasThreads == 1 && both.adaptiveBLASThreads)
        let error = try #require(throws: ConfigurationError.self) {
            try ServiceConfiguration.resolve(environment: ["DEPTHD_ADAPTIVE_BLAS_THREADS": "maybe"], coreCount: 2)
        }
        #expect(error.problems.count == 1 && error.problems[0].contains("DEPTHD_ADAPTIVE_BLAS_THREADS"))
    }

    @Test func aBatchAloneGetsEveryCoreAndWorkBesideItTakesCoresAway() {
        let two = BLASThreadGovernor(cores: 2, floor: 1, adaptive: true)
        #expect([1, 2, 3].map { two.threads(batches: $0, imageJobs: 0) } == [2, 1, 1])
        #expect([0, 1, 2].map { two.threads(batches: 1, imageJobs: $0) } == [2, 1, 1])
        let sixteen = BLASThreadGovernor(cores: 16, floor: 2, adaptive: true)
        #expect([1, 2, 8].map { sixteen.threads(batches: $0, imageJobs: 0) } == [16, 8, 2])
        #expect([4, 16].map { sixteen.threads(batches: 1, imageJobs: $0) } == [12, 2])
        let pinned = BLASThreadGovernor(cores: 2, floor: 2, adaptive: false)
        #expect([0, 1].map { pinned.threads(batches: 1, imageJobs: $0) } == [2, 2])
    }

    @Test func everyBadValueIsReportedWithItsSource() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ServiceConfiguration.resolve(
                environment: ["DEPTHD_PORT": "http", "DEPTHD_WORKERS": "0", "DEPTHD_LOG_FORMAT": "xml",
                              "DEPTHD_IDLE_TIMEOUT_S": "-1"],
                flags: [.maxBatch: "1000"], coreCount: 4)
        }
        #expect(error.problems.count == 5, "\(error.problems)")
        let text = error.description
        #expect(text.contains(#"DEPTHD_PORT="http": expected a whole number"#))
        #expect(text.contains("DEPTHD_WORKERS=0: expected 1...256 workers"))
        #expect(text.contains(#"DEPTHD_LOG_FORMAT="xml": expected text or json"#))
        #expect(text.contains("DEPTHD_IDLE_TIMEOUT_S"))
        #expect(text.contains("--max-batch=1000: expected a batch size 1...64"))
    }

    @Test func minimumResponseRateIsReadAndZeroTurnsItOff() throws {
        #expect(try ServiceConfiguration.resolve(environment: [:], coreCount: 2).minResponseRate == 4096)
        #expect(try ServiceConfiguration.resolve(environment: ["DEPTHD_MIN_RESPONSE_RATE": "0"], coreCount: 2).minResponseRate == 0)
        let flagged = try ServiceConfiguration.resolve(
            environment: ["DEPTHD_MIN_RESPONSE_RATE": "100"], flags: [.minResponseRate: "65536"], coreCount: 2)
        #expect(flagged.minResponseRate == 65536)
        let error = try #require(throws: ConfigurationError.self) {
            try ServiceConfiguration.resolve(environment: ["DEPTHD_MIN_RESPONSE_RATE": "-1"], coreCount: 2)
        }
        #expect(error.description.contains("DEPTHD_MIN_RESPONSE_RATE=-1: expected 0...1073741824 bytes per second"))
    }

    @Test func extremeNumbersAreRejectedWithoutTrapping() throws {
        let huge = String(Int.max)
        let error = try #require(throws: ConfigurationError.self) {
            try ServiceConfiguration.resolve(
                environment: ["DEPTHD_WORKERS": huge, "DEPTHD_MAX_BATCH": huge, "DEPTHD_BLAS_THREADS": huge,
                              "DEPTHD_GRACE_PERIOD_S": "1e300", "DEPTHD_BATCH_WAIT_MS": "nan",
                              "DEPTHD_MAX_PIXELS": "99999999999999999999999"],
                coreCount: 4)
        }
        #expect(error.problems.count == 6, "\(error.problems)")
    }

    @Test func portRangeAndHostAreChecked() {
        #expect(throws: ConfigurationError.self) { try ServiceConfiguration.resolve(environment: ["DEPTHD_PORT": "65536"]) }
        #expect(throws: ConfigurationError.self) { try ServiceConfiguration.resolve(environment: ["DEPTHD_HOST": "a b"]) }
        #expect(throws: ConfigurationError.self) { try ServiceConfiguration.resolve(environment: ["DEPTHD_REQUEST_TIMEOUT_S": "0"]) }
        #expect(throws: Never.self) { try ServiceConfiguration.resolve(environment: ["DEPTHD_PORT": "0"]) }
    }

    @Test func oversubscriptionIsAWarningNotAnError() throws {
        let c = try ServiceConfiguration.resolve(environment: ["DEPTHD_WORKERS": "4", "DEPTHD_BLAS_THREADS": "4"], coreCount: 4)
        #expect(c.warnings(coreCount: 4).count == 1)
        #expect(c.warnings(coreCount: 4).first?.contains("16 threads on 4 cores") == true)
    }

    @Test func flagNamesAndVariablesAreUniqueAndConsistent() {
        let variables = Setting.allCases.map(\.environmentVariable)
        let flags = Setting.allCases.map(\.flag)
        #expect(Set(variables).count == variables.count)
        #expect(Set(flags).count == flags.count)
        #expect(variables.allSatisfy { $0.hasPrefix("DEPTHD_") && $0 == $0.uppercased() })
        #expect(Setting.maxBodyBytes.flag == "max-body-bytes")
        #expect(Setting.modelPath.flag == "model")
        #expect(Setting.allCases.allSatisfy { !$0.help.isEmpty })
    }

    /// The table's two directions agree: every setting, given the value the report writes for it,
    /// reads back into the same configuration, by flag and by variable alike.
    @Test func everySettingReadsBackTheValueTheReportWrites() throws {
        var custom = ServiceConfiguration(coreCount: 4)
        custom.port = 9123
        custom.batchWait = .microseconds(1500)
        custom.requestTimeout = .milliseconds(2500)
        custom.adaptiveBLASThreads = false
        custom.logLevel = .debug
        custom.logFormat = .json
        custom.host = "::1"
        for source in [custom, ServiceConfiguration(coreCount: 4)] {
            let flags = Dictionary(uniqueKeysWithValues: Setting.allCases.map { ($0, source.value(of: $0)) })
            let byFlag = try ServiceConfiguration.resolve(environment: [:], flags: flags, coreCount: 4)
            let environment = Dictionary(uniqueKeysWithValues: Setting.allCases.map { ($0.environmentVariable, source.value(of: $0)) })
            let byVariable = try ServiceConfiguration.resolve(environment: environment, coreCount: 4)
            for setting in Setting.allCases {
                #expect(byFlag.value(of: setting) == source.value(of: setting), "\(setting)")
                #expect(byVariable.value(of: setting) == source.value(of: setting), "\(setting)")
                #expect(byFlag.origin(of: setting) == "--\(setting.flag)")
                #expect(byVariable.origin(of: setting) == setting.environmentVariable)
            }
            #expect(byFlag.port == source.port && byFlag.batchWait == source.batchWait && byFlag.logFormat == source.logFormat)
        }
    }

    /// A value out of range is reported as the flag or variable takes it (milliseconds for the
    /// batch wait), with the range from the same row of the table.
    @Test func outOfRangeValuesAreReportedInTheirOwnUnit() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ServiceConfiguration.resolve(environment: ["DEPTHD_BATCH_WAIT_MS": "2000", "DEPTHD_HOST": "a b"],
                                             flags: [.requestTimeout: "0"], coreCount: 2)
        }
        #expect(error.problems == [
            #"DEPTHD_HOST="a b": expected an IP address or host name without spaces"#,
            "DEPTHD_BATCH_WAIT_MS=2000: expected 0...1000 ms",
            "--request-timeout=0: expected more than 0 and at most 3600 seconds",
        ])
    }

    /// `depthd serve --help` and the start-up line come from the table, one entry per setting in its order.
    @Test func helpAndStartUpReportListEverySettingInTableOrder() throws {
        let usage = Setting.usage(coreCount: 2, executablePath: "/opt/depthd/bin/depthd").split(separator: "\n").map(String.init)
        #expect(usage.count == 2 * Setting.allCases.count)
        for (index, setting) in Setting.allCases.enumerated() {
            #expect(usage[2 * index] == "  --\(setting.flag) <value>  (\(setting.environmentVariable))")
            let defaultText = setting.defaultDescription(coreCount: 2, executablePath: "/opt/depthd/bin/depthd")
            #expect(usage[2 * index + 1] == "      " + setting.help + " (default: \(defaultText))")
        }
        let c = try ServiceConfiguration.resolve(environment: ["DEPTHD_WORKERS": "1"], flags: [.port: "9000"], coreCount: 2)
        let report = c.settingsReport.split(separator: " ").map(String.init)
        #expect(report.count == Setting.allCases.count)
        #expect(report[0] == "DEPTHD_HOST=0.0.0.0")
        #expect(report[1] == "DEPTHD_PORT=9000(--port)")
        #expect(report.contains("DEPTHD_WORKERS=1(DEPTHD_WORKERS)"))
        #expect(report.contains("DEPTHD_BATCH_WAIT_MS=2"))
        #expect(report.last == "DEPTHD_LOG_FORMAT=text")
    }

    @Test func defaultModelIsSearchedInTheDocumentedPlaces() throws {
        let c = try ServiceConfiguration.resolve(environment: [:])
        let candidates = c.modelCandidates(executablePath: "/opt/depthd/bin/depthd")
        #expect(candidates == [
            "models/eigen2014-synthetic.safetensors",
            "/opt/depthd/bin/models/eigen2014-synthetic.safetensors",
            "/opt/depthd/share/depthd/models/eigen2014-synthetic.safetensors",
            "/usr/share/depthd/models/eigen2014-synthetic.safetensors",
            "/app/models/eigen2014-synthetic.safetensors",
        ])
        let found = try c.locateModel(executablePath: "/opt/depthd/bin/depthd") { $0.hasPrefix("/usr/share") }
        #expect(found == "/usr/share/depthd/models/eigen2014-synthetic.safetensors")
    }

    @Test func explicitModelPathIsNeverSearched() throws {
        let c = try ServiceConfiguration.resolve(environment: ["DEPTHD_MODEL": "weights/m.safetensors"])
        #expect(c.modelCandidates(executablePath: "/usr/bin/depthd") == ["weights/m.safetensors"])
        let error = try #require(throws: ConfigurationError.self) {
            try c.locateModel(executablePath: "/usr/bin/depthd") { _ in false }
        }
        #expect(error.description.contains("DEPTHD_MODEL") && error.description.contains("weights/m.safetensors"))
    }

    /// The help line of `--help` for `setting` on a machine with `cores` cores.
    private func helpLine(_ setting: Setting, cores: Int, executablePath: String = "/opt/depthd/bin/depthd") throws -> String {
        let lines = Setting.usage(coreCount: cores, executablePath: executablePath).split(separator: "\n").map(String.init)
        let index = try #require(lines.firstIndex(of: "  --\(setting.flag) <value>  (\(setting.environmentVariable))"))
        return lines[index + 1]
    }

    /// Every setting with a fixed default shows the value the resolver starts from, written as
    /// the flag takes it; none of them restates a default in its own help prose.
    @Test func helpStatesEachFixedSettingsActualDefault() throws {
        let resolved = try ServiceConfiguration.resolve(environment: [:], coreCount: 2)
        let fixed = Setting.allCases.filter { $0.definition.derivedRule == nil }
        #expect(fixed.count == Setting.allCases.count - 5)
        for setting in fixed {
            #expect(try helpLine(setting, cores: 2).contains("(default: \(resolved.value(of: setting))"), "\(setting)")
        }
        for setting in Setting.allCases {
            #expect(!setting.help.lowercased().contains("default:"), "\(setting) states its default in its prose")
        }
        #expect(try helpLine(.port, cores: 2).hasSuffix("(default: 8080)"))
        #expect(try helpLine(.maxBatch, cores: 2).hasSuffix("(default: 1)"))
        #expect(try helpLine(.batchWait, cores: 2).hasSuffix("(default: 2)"))
        #expect(try helpLine(.maxBodyBytes, cores: 2).hasSuffix("(default: 33554432)"))
        #expect(try helpLine(.headerTimeout, cores: 2).hasSuffix("(default: 10)"))
        #expect(try helpLine(.gracePeriod, cores: 2).hasSuffix("(default: 25)"))
        #expect(try helpLine(.logFormat, cores: 2).hasSuffix("(default: text)"))
        // The default model is looked for in the folders that locateModel tries for this executable.
        let model = try helpLine(.modelPath, cores: 2)
        #expect(model.contains("(default: models/eigen2014-synthetic.safetensors; looked for in ./, /opt/depthd/bin/, "
            + "/opt/depthd/share/depthd/, /usr/share/depthd/, /app/)"))
        #expect(resolved.modelCandidates(executablePath: "/opt/depthd/bin/depthd").count == 5)
        // The grace before the response-rate check is the HTTP server's own, not a copy of it.
        let grace = HTTPServerConfiguration().responseRateGracePeriod
        #expect(Setting.minResponseRate.help.contains("after \(Setting.seconds(grace)) s of grace"))
        #expect(Setting.minResponseRate.help.contains("after 10 s of grace"))
    }

    /// A derived default's wording and its value come from one definition: for any core count the
    /// help names the rule and the value the resolver picks on such a machine.
    @Test func helpNamesTheValueEachDerivedRuleGivesForTheCoreCount() throws {
        let derived = Setting.allCases.filter { $0.definition.derivedRule != nil }
        #expect(derived == [.workers, .blasThreads, .adaptiveBLASThreads, .imageThreads, .queueDepth])
        for cores in [1, 2, 3, 4, 8, 16, 64] {
            let resolved = try ServiceConfiguration.resolve(environment: [:], coreCount: cores)
            for setting in [Setting.workers, .blasThreads, .imageThreads, .queueDepth] {
                let rule = try #require(setting.definition.derivedRule?.rule)
                #expect(try helpLine(setting, cores: cores).hasSuffix("(default: \(rule); \(resolved.value(of: setting)) on this machine)"),
                        "\(setting) on \(cores) cores")
            }
        }
        #expect(try helpLine(.workers, cores: 2).hasSuffix("(default: max(min(cores, 2), cores / 2); 2 on this machine)"))
        #expect(try helpLine(.workers, cores: 16).hasSuffix("; 8 on this machine)"))
        #expect(try helpLine(.blasThreads, cores: 16).hasSuffix("(default: max(1, cores / workers); 2 on this machine)"))
        #expect(try helpLine(.queueDepth, cores: 2).hasSuffix("(default: max(16, 4 x workers x max batch); 16 on this machine)"))
        #expect(try helpLine(.queueDepth, cores: 16).hasSuffix("; 32 on this machine)"))
        #expect(try helpLine(.imageThreads, cores: 3).hasSuffix("(default: cores; 3 on this machine)"))
        // The adaptive switch depends on another setting, not on the cores: its rule alone, naming that setting.
        let adaptive = try helpLine(.adaptiveBLASThreads, cores: 2)
        #expect(adaptive.hasSuffix("(default: 1, or 0 when DEPTHD_BLAS_THREADS or --blas-threads is given)"))
        #expect(try ServiceConfiguration.resolve(environment: [:], coreCount: 2).adaptiveBLASThreads)
        #expect(try !ServiceConfiguration.resolve(environment: ["DEPTHD_BLAS_THREADS": "1"], coreCount: 2).adaptiveBLASThreads)
    }

    /// The rule a derived default is computed by is the one the table names: changing what it is
    /// given changes the resolved value the same way the rule's function does.
    @Test func derivedDefaultsAreComputedByTheRulesTheTableNames() throws {
        for cores in [1, 2, 5, 16] {
            for workers in [1, 3, 8] {
                for maxBatch in [1, 4, 64] {
                    let c = try ServiceConfiguration.resolve(
                        environment: ["DEPTHD_WORKERS": "\(workers)", "DEPTHD_MAX_BATCH": "\(maxBatch)"], coreCount: cores)
                    #expect(c.blasThreads == ServiceConfiguration.defaultBLASThreads.value(cores, c))
                    #expect(c.queueDepth == ServiceConfiguration.defaultQueueDepth.value(cores, c))
                    #expect(c.queueDepth == max(16, 4 * workers * maxBatch))
                    #expect(c.blasThreads == max(1, cores / workers))
                }
            }
            let c = try ServiceConfiguration.resolve(environment: [:], coreCount: cores)
            #expect(c.workers == ServiceConfiguration.defaultWorkers.value(cores, c))
            #expect(c.imageThreads == cores)
        }
    }

    @Test func operatorDocsTableHasOneRowPerSettingWithItsFlagAndVariable() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        // The settings table's rows: | `--flag` | `VARIABLE` | default | meaning |
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `--") }.map { row in
            row.split(separator: "|").prefix(2).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let documented = rows.map { "\($0[0]) \($0[1])" }
        let table = Setting.allCases.map { "`--\($0.flag)` `\($0.environmentVariable)`" }
        #expect(documented == table, "docs/configuration.md's table must list every setting once, in the table's order")
    }

    /// docs/configuration.md's default column states what the table defines: a fixed default as its
    /// value, a derived one as its rule (then optionally "; N on C cores, ..." examples, each of
    /// which must be what the rule gives on C cores) or either followed by a note in parentheses.
    @Test func operatorDocsStateTheDefaultsTheTableDefines() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `--") }.map { row in
            row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
        }
        try #require(rows.count == Setting.allCases.count)
        let example = /(\d+) on (\d+) cores/
        var examples = 0
        for (setting, row) in zip(Setting.allCases, rows) {
            let cell = row[2], expected = setting.documentedDefault
            #expect(cell == expected || cell.hasPrefix(expected + " (") || cell.hasPrefix(expected + "; "),
                    "docs/configuration.md says the default of --\(setting.flag) is \(cell.debugDescription), the table \(expected.debugDescription)")
            for match in cell.matches(of: example) {
                let (value, cores) = (String(match.1), try #require(Int(match.2)))
                #expect(try ServiceConfiguration.resolve(environment: [:], coreCount: cores).value(of: setting) == value,
                        "--\(setting.flag): \(match.0)")
                examples += 1
            }
        }
        #expect(examples >= 6)
        let minimumRate = try #require(rows.first { $0[0] == "--min-response-rate" })[3]
        let server = HTTPServerConfiguration()
        #expect(minimumRate.contains("after \(Setting.seconds(server.responseRateGracePeriod)) s of grace"))
        #expect(minimumRate.contains("the \(Setting.seconds(server.writeStallTimeout)) s write-stall limit"))
    }
}

@Suite("JSONLogHandler")
struct JSONLogHandlerTests {
    private final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var _lines: [String] = []
        func append(_ line: String) { lock.withLock { _lines.append(line) } }
        var lines: [String] { lock.withLock { _lines } }
    }

    @Test func eachRecordIsOneJSONObjectOnOneLine() throws {
        let lines = Lines()
        var handler = JSONLogHandler(label: "depthd", sink: lines.append,
                                     now: { Date(timeIntervalSince1970: 1_795_552_867.123_9) })
        handler.logLevel = .debug
        handler[metadataKey: "service"] = "depthd"
        var logger = Logger(label: "depthd") { _ in handler }
        logger[metadataKey: "request_id"] = "abc-123"
        logger.info("decoded \"photo\"\nnext", metadata: ["width": "640", "route": .dictionary(["path": "/v1/depth"])])
        let line = try #require(lines.lines.first)
        #expect(line.hasSuffix("\n") && line.dropLast().contains("\n") == false)
        #expect(line == #"{"timestamp":"2026-11-24T20:41:07.123Z","level":"info","logger":"depthd","message":"decoded \"photo\"\nnext","metadata":{"request_id":"abc-123","route":{"path":"/v1/depth"},"service":"depthd","width":"640"}}"# + "\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["request_id"] as? String == "abc-123")
    }

    @Test func levelBelowThresholdIsNotWritten() {
        let lines = Lines()
        let logger = Logger(label: "t") { label in
            var handler = JSONLogHandler(label: label, sink: lines.append)
            handler.logLevel = .warning
            return handler
        }
        logger.info("quiet")
        logger.error("loud")
        #expect(lines.lines.count == 1)
        #expect(lines.lines.first?.contains(#""level":"error""#) == true)
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
    }
}
