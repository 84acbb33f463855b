import Logging

/// One setting of `depthd serve`: its environment variable, its flag, its help, and how a string
/// value is parsed into a ``ServiceConfiguration``. The single table both sources go through.
public enum Setting: String, Sendable, CaseIterable, Hashable {
    case host, port, modelPath, workers, blasThreads, adaptiveBLASThreads, imageThreads, maxBatch, batchWait, queueDepth
    case maxBodyBytes, maxPixels, maxHeaderBytes
    case headerTimeout, bodyTimeout, idleTimeout, minResponseRate, maxConnections, maxRequestsPerConnection
    case requestTimeout, gracePeriod, logLevel, logFormat

    /// The environment variable, e.g. `DEPTHD_PORT`.
    public var environmentVariable: String {
        switch self {
        case .host: "DEPTHD_HOST"
        case .port: "DEPTHD_PORT"
        case .modelPath: "DEPTHD_MODEL"
        case .workers: "DEPTHD_WORKERS"
        case .blasThreads: "DEPTHD_BLAS_THREADS"
        case .adaptiveBLASThreads: "DEPTHD_ADAPTIVE_BLAS_THREADS"
        case .imageThreads: "DEPTHD_IMAGE_THREADS"
        case .maxBatch: "DEPTHD_MAX_BATCH"
        case .batchWait: "DEPTHD_BATCH_WAIT_MS"
        case .queueDepth: "DEPTHD_QUEUE_DEPTH"
        case .maxBodyBytes: "DEPTHD_MAX_BODY_BYTES"
        case .maxPixels: "DEPTHD_MAX_PIXELS"
        case .maxHeaderBytes: "DEPTHD_MAX_HEADER_BYTES"
        case .headerTimeout: "DEPTHD_HEADER_TIMEOUT_S"
        case .bodyTimeout: "DEPTHD_BODY_TIMEOUT_S"
        case .idleTimeout: "DEPTHD_IDLE_TIMEOUT_S"
        case .minResponseRate: "DEPTHD_MIN_RESPONSE_RATE"
        case .maxConnections: "DEPTHD_MAX_CONNECTIONS"
        case .maxRequestsPerConnection: "DEPTHD_MAX_REQUESTS_PER_CONNECTION"
        case .requestTimeout: "DEPTHD_REQUEST_TIMEOUT_S"
        case .gracePeriod: "DEPTHD_GRACE_PERIOD_S"
        case .logLevel: "DEPTHD_LOG_LEVEL"
        case .logFormat: "DEPTHD_LOG_FORMAT"
        }
    }

    /// The long flag without its dashes, e.g. `blas-threads` for `--blas-threads`.
    public var flag: String {
        switch self {
        case .modelPath: "model"
        case .batchWait: "batch-wait-ms"
        case .adaptiveBLASThreads: "adaptive-blas-threads"
        case .headerTimeout: "header-timeout"
        case .bodyTimeout: "body-timeout"
        case .idleTimeout: "idle-timeout"
        case .requestTimeout: "request-timeout"
        case .gracePeriod: "grace-period"
        default:
            // camelCase -> kebab-case: maxBodyBytes -> max-body-bytes
            rawValue.reduce(into: "") { out, c in
                if c.isUppercase { out += "-" + c.lowercased() } else { out.append(c) }
            }
        }
    }

    /// One line of help for `--help` and the docs.
    public var help: String {
        switch self {
        case .host: "Address to listen on (IPv4 or IPv6; 0.0.0.0 all IPv4, :: all)."
        case .port: "TCP port to listen on (0 picks a free one)."
        case .modelPath: "Weights file (.safetensors). Default searched in ., beside the binary, <prefix>/share/depthd, /usr/share/depthd, /app."
        case .workers: "Model workers (default: 2 on 2 cores, else max(1, cores/2))."
        case .blasThreads: "OpenBLAS threads per worker (default: max(1, cores/workers))."
        case .adaptiveBLASThreads: "1: a batch running while other workers idle uses their cores too (default); 0: always the BLAS threads."
        case .imageThreads: "Threads that decode uploads and encode answers (default: cores)."
        case .maxBatch: "Largest micro-batch; 1 turns batching off."
        case .batchWait: "Milliseconds a worker waits for a batch to fill; 0 turns batching off."
        case .queueDepth: "Requests that may wait for a worker before 503 (default: max(16, 4 x workers x max batch))."
        case .maxBodyBytes: "Largest request body in bytes (413 beyond)."
        case .maxPixels: "Largest image in pixels, checked before decoding (413 beyond)."
        case .maxHeaderBytes: "Largest request head in bytes (431 beyond)."
        case .headerTimeout: "Seconds to receive the request head (408 beyond)."
        case .bodyTimeout: "Seconds to receive the request body (408 beyond)."
        case .idleTimeout: "Seconds an idle keep-alive connection stays open."
        case .minResponseRate: "Bytes per second a client must take its response at, after 10 s of grace (0 turns it off)."
        case .maxConnections: "Simultaneous connections; more are refused at once."
        case .maxRequestsPerConnection: "Requests served on one keep-alive connection before it is closed."
        case .requestTimeout: "Seconds a request may wait for a model worker (503 beyond)."
        case .gracePeriod: "Seconds to finish in-flight requests after SIGTERM/SIGINT."
        case .logLevel: "trace, debug, info, notice, warning, error or critical."
        case .logFormat: "text or json (one JSON object per line)."
        }
    }

    /// Parses `value` into `configuration`, or throws saying what was expected.
    func apply(_ value: String, to configuration: inout ServiceConfiguration) throws {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        switch self {
        case .host: configuration.host = trimmed
        case .port: configuration.port = try integer(trimmed)
        case .modelPath:
            guard !trimmed.isEmpty else { throw SettingValueError(expected: "expected a file path") }
            configuration.modelPath = trimmed
        case .workers: configuration.workers = try integer(trimmed)
        case .blasThreads: configuration.blasThreads = try integer(trimmed)
        case .adaptiveBLASThreads:
            switch trimmed.lowercased() {
            case "1", "true", "yes", "on": configuration.adaptiveBLASThreads = true
            case "0", "false", "no", "off": configuration.adaptiveBLASThreads = false
            default: throw SettingValueError(expected: "expected 1 or 0")
            }
        case .imageThreads: configuration.imageThreads = try integer(trimmed)
        case .maxBatch: configuration.maxBatch = try integer(trimmed)
        case .batchWait: configuration.batchWait = try duration(trimmed, unit: 1e-3, name: "milliseconds")
        case .queueDepth: configuration.queueDepth = try integer(trimmed)
        case .maxBodyBytes: configuration.maxBodyBytes = try integer(trimmed)
        case .maxPixels: configuration.maxPixels = try integer(trimmed)
        case .maxHeaderBytes: configuration.maxHeaderBytes = try integer(trimmed)
        case .headerTimeout: configuration.headerTimeout = try duration(trimmed)
        case .bodyTimeout: configuration.bodyTimeout = try duration(trimmed)
        case .idleTimeout: configuration.idleTimeout = try duration(trimmed)
        case .minResponseRate: configuration.minResponseRate = try integer(trimmed)
        case .maxConnections: configuration.maxConnections = try integer(trimmed)
        case .maxRequestsPerConnection: configuration.maxRequestsPerConnection = try integer(trimmed)
        case .requestTimeout: configuration.requestTimeout = try duration(trimmed)
        case .gracePeriod: configuration.gracePeriod = try duration(trimmed)
        case .logLevel:
            guard let level = Logger.Level(rawValue: trimmed.lowercased()) else {
                throw SettingValueError(expected: "expected one of "
                    + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
            }
            configuration.logLevel = level
        case .logFormat:
            guard let format = ServiceConfiguration.LogFormat(rawValue: trimmed.lowercased()) else {
                throw SettingValueError(expected: "expected text or json")
            }
            configuration.logFormat = format
        }
    }

    private func integer(_ text: String) throws -> Int {
        guard let value = Int(text) else { throw SettingValueError(expected: "expected a whole number") }
        return value
    }

    /// A non-negative decimal number of `unit` seconds ("2.5"), as a Duration.
    private func duration(_ text: String, unit: Double = 1, name: String = "seconds") throws -> Duration {
        guard let value = Double(text), value.isFinite, value >= 0, value * unit <= 86_400 else {
            throw SettingValueError(expected: "expected a number of \(name)")
        }
        return .nanoseconds(Int64((value * unit * 1e9).rounded()))
    }
}

struct SettingValueError: Error {
    var expected: String
}
