import ArgumentParser
import DepthNet
import DepthService
import Foundation
import Logging

/// `depthd serve`: loads the model, warms the workers and serves the HTTP API until SIGTERM or
/// SIGINT, then drains (stops accepting, `/readyz` 503, in-flight requests finish within the grace
/// period) and exits 0.
///
/// Every ``Setting`` is a flag (`--port 8080` or `--port=8080`) and an environment variable
/// (`DEPTHD_PORT`); the flags are read from the table rather than declared one by one, so the
/// command, the environment and docs/configuration.md cannot disagree.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the depth API over HTTP.",
        discussion: "Settings (flag VALUE or flag=VALUE; a flag beats its environment variable, which beats the default):\n\n"
            + Setting.usage()
    )

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settings: [String] = []

    func run() async throws {
        let flags = try Self.parseFlags(settings)
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration.resolve(flags: flags)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("depthd serve: \(error)\n".utf8))
            throw ExitCode(64)
        }
        let format = configuration.logFormat, level = configuration.logLevel
        LoggingSystem.bootstrap(format.makeHandlerFactory(level: level))
        let logger = Logger(label: "depthd")
        try await Self.serve(configuration, logger: logger)
    }

    /// `--name value` / `--name=value` pairs for the known settings; anything else is a usage error.
    static func parseFlags(_ arguments: [String]) throws -> [Setting: String] {
        let byFlag = Dictionary(uniqueKeysWithValues: Setting.allCases.map { ("--" + $0.flag, $0) })
        var flags: [Setting: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.prefix { $0 != "=" })
            guard let setting = byFlag[name] else {
                throw ValidationError("unknown option \(argument.debugDescription); see `depthd serve --help`")
            }
            if name.count < argument.count {
                flags[setting] = String(argument.dropFirst(name.count + 1))
            } else {
                guard index + 1 < arguments.count else { throw ValidationError("\(name) needs a value") }
                index += 1
                flags[setting] = arguments[index]
            }
            index += 1
        }
        return flags
    }

    private static func serve(_ configuration: ServiceConfiguration, logger: Logger) async throws {
        // Before any request thread exists: keeps resident memory flat under sustained load.
        let allocator = AllocatorTuning.applyServerDefaults(environment: ProcessInfo.processInfo.environment)
        // Listen for SIGTERM/SIGINT first, so that one arriving during start-up also drains.
        let signals = ShutdownSignals(forwardingProcessSignals: true)
        logger.info("depthd starting", metadata: ["configuration": .string(configuration.settingsReport),
                                                  "cores": .stringConvertible(ProcessInfo.processInfo.activeProcessorCount),
                                                  "malloc": .string(allocator.isEmpty ? "from the environment" : allocator.joined(separator: " "))])
        for warning in configuration.warnings() { logger.warning("\(warning)") }

        let model: DepthModel
        let openAPI: OpenAPIDocument
        do {
            let path = try configuration.locateModel()
            let start = ContinuousClock.now
            model = try DepthModel(contentsOfFile: path)
            logger.info("model loaded", metadata: [
                "path": .string(path), "name": .string(model.name), "trained_on": .string(model.trainedOn),
                "input": "\(model.architecture.inputWidth)x\(model.architecture.inputHeight)",
                "output": "\(model.architecture.outputWidth)x\(model.architecture.outputHeight)",
                "load_ms": .string(String(format: "%.0f", (ContinuousClock.now - start).milliseconds)),
                "kernels": .string(EngineKernels.description),
            ])
            openAPI = try OpenAPIDocument.load()
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode.failure
        }

        let application = DepthApplication(configuration: configuration, model: model, openAPI: openAPI, logger: logger)
        do {
            try application.start()
        } catch {
            logger.critical("cannot listen on \(configuration.host):\(configuration.port): \(error)")
            throw ExitCode.failure
        }
        logger.info("listening", metadata: ["host": .string(configuration.host), "port": .stringConvertible(application.port)])

        let warmUp = Task {
            let start = ContinuousClock.now
            do {
                try await application.warmUp()
                logger.info("ready: every model worker is warm", metadata: [
                    "workers": .stringConvertible(configuration.workers),
                    "warm_up_ms": .string(String(format: "%.0f", (ContinuousClock.now - start).milliseconds)),
                ])
                return true
            } catch {
                logger.critical("warm-up failed: \(error)")
                return false
            }
        }
        // Either a signal arrives, or warm-up fails (then the process must not linger unready).
        let failed = Task { if await !warmUp.value { kill(getpid(), SIGTERM) } }

        let signal = await signals.next()
        logger.notice("draining", metadata: [
            "signal": .string(signal == SIGINT ? "SIGINT" : "SIGTERM"),
            "grace_period_s": .string(configuration.value(of: .gracePeriod)),
        ])
        // A second signal from now on stops the process at once.
        signals.cancel()
        failed.cancel()
        let start = ContinuousClock.now
        let finished = await application.drain()
        let elapsed = String(format: "%.0f", (ContinuousClock.now - start).milliseconds)
        if finished {
            logger.notice("drained; exiting", metadata: ["drain_ms": .string(elapsed)])
        } else {
            logger.warning("grace period over with requests still in progress; exiting", metadata: ["drain_ms": .string(elapsed)])
        }
        if await !warmUp.value { throw ExitCode.failure }
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) * 1e-15
    }
}
