import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line (`--log-format json`):
/// `{"timestamp":"2026-11-25T20:41:07.123Z","level":"info","logger":"depthd","message":"...",
///   "metadata":{"request_id":"..."}}`. Metadata merges the handler's, the metadata provider's and the
/// call's (later wins); nested dictionaries and arrays stay JSON objects and arrays.
public struct JSONLogHandler: LogHandler {
    /// Where finished lines go; each call receives one whole line including its line feed.
    public typealias Sink = @Sendable (String) -> Void

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: Sink
    private let now: @Sendable () -> Date

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil,
                sink: @escaping Sink = JSONLogHandler.standardError,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.sink = sink
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        var members: [(String, JSONValue)] = [
            ("timestamp", .string(Self.timestamp(now()))),
            ("level", .string(event.level.rawValue)),
            ("logger", .string(label)),
            ("message", .string(event.message.description)),
        ]
        if let error = event.error { members.append(("error", .string(String(describing: error)))) }
        if !merged.isEmpty { members.append(("metadata", Self.json(merged))) }
        var line = JSONValue.object(members).serialized
        line += "\n"
        sink(line)
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-25T20:41:07.123Z`.
    static func timestamp(_ date: Date) -> String {
        // Round to microseconds first: Date's storage makes exact instants like -0.001 s inexact.
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1e6).rounded()).floorDivided(by: 1000)
        var seconds = time_t(totalMilliseconds.floorDivided(by: 1000))
        let milliseconds = Int(totalMilliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }

    /// Metadata as a JSON object with keys sorted, so lines are stable.
    static func json(_ metadata: Logger.Metadata) -> JSONValue {
        .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case let .string(string): .string(string)
        case let .stringConvertible(convertible): .string(convertible.description)
        case let .dictionary(dictionary): json(dictionary)
        case let .array(array): .array(array.map(json))
        }
    }

    /// Writes each line to standard error with one `write`, so lines from threads never interleave.
    /// (Standard error, so `depthd predict` keeps standard output for its results.)
    public static let standardError: Sink = { line in
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
        }
    }
}

private extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension ServiceConfiguration.LogFormat {
    /// A handler factory for `LoggingSystem.bootstrap`, at `level`.
    public func makeHandlerFactory(level: Logger.Level) -> @Sendable (String) -> any LogHandler {
        switch self {
        case .json:
            return { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        case .text:
            return { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
