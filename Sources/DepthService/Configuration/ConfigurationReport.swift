import Foundation

extension ServiceConfiguration {
    /// The effective value of `setting`, written the way its flag or variable takes it
    /// (durations in the setting's unit: seconds, or milliseconds for the batch wait).
    public func value(of setting: Setting) -> String {
        switch setting {
        case .host: host
        case .port: String(port)
        case .modelPath: modelPath
        case .workers: String(workers)
        case .blasThreads: String(blasThreads)
        case .adaptiveBLASThreads: adaptiveBLASThreads ? "1" : "0"
        case .imageThreads: String(imageThreads)
        case .maxBatch: String(maxBatch)
        case .batchWait: Self.number(batchWait.seconds * 1000)
        case .queueDepth: String(queueDepth)
        case .maxBodyBytes: String(maxBodyBytes)
        case .maxPixels: String(maxPixels)
        case .maxHeaderBytes: String(maxHeaderBytes)
        case .headerTimeout: Self.number(headerTimeout.seconds)
        case .bodyTimeout: Self.number(bodyTimeout.seconds)
        case .idleTimeout: Self.number(idleTimeout.seconds)
        case .minResponseRate: String(minResponseRate)
        case .maxConnections: String(maxConnections)
        case .maxRequestsPerConnection: String(maxRequestsPerConnection)
        case .requestTimeout: Self.number(requestTimeout.seconds)
        case .gracePeriod: Self.number(gracePeriod.seconds)
        case .logLevel: logLevel.rawValue
        case .logFormat: logFormat.rawValue
        }
    }

    /// Every setting's variable, effective value and origin, one per line, for the start-up log:
    /// `DEPTHD_PORT=8080 (--port)`, `DEPTHD_WORKERS=1 (default)`.
    public var effectiveSettings: [(setting: Setting, value: String, origin: String)] {
        Setting.allCases.map { ($0, value(of: $0), origins[$0] ?? "default") }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
