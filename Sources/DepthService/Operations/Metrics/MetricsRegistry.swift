import Foundation

/// A small, thread-safe Prometheus registry that renders the text exposition format 0.0.4
/// (`text/plain; version=0.0.4`): `# HELP` and `# TYPE` per family, label values escaped, histogram
/// buckets cumulative with `le="+Inf"`, then `_sum` and `_count`.
///
/// Metric and label names are fixed by the program, so an invalid one is a programming error and
/// traps at registration; label *values* may come from requests and are escaped, never trusted.
public final class MetricsRegistry: @unchecked Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let lock = NSLock()
    private var families: [any MetricFamily] = []
    private var names: Set<String> = []

    public init() {}

    /// A monotonically increasing count, one series per distinct label values.
    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        register(Counter(name: name, help: help, labelNames: labels))
    }

    /// A value that goes up and down, one series per distinct label values.
    public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
        register(Gauge(name: name, help: help, labelNames: labels))
    }

    /// A gauge read when the registry is scraped (queue depth, in-flight requests, readiness).
    public func gauge(_ name: String, help: String, read: @escaping @Sendable () -> Double) {
        _ = register(CallbackMetric(name: name, help: help, type: "gauge", read: read))
    }

    /// A counter kept elsewhere (for example by the model pool) and read when scraped.
    public func counter(_ name: String, help: String, read: @escaping @Sendable () -> Double) {
        _ = register(CallbackMetric(name: name, help: help, type: "counter", read: read))
    }

    /// A histogram kept elsewhere and read when scraped: `read` returns the count per bucket (not
    /// cumulative, `buckets.count + 1` entries, the last for values above every bound) and the sum.
    public func histogram(_ name: String, help: String, buckets: [Double],
                          read: @escaping @Sendable () -> (counts: [UInt64], sum: Double)) {
        _ = register(CallbackHistogram(name: name, help: help, buckets: validatedBuckets(buckets, name), read: read))
    }

    /// A histogram with the given upper bounds (ascending, finite; `+Inf` is implied).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> Histogram {
        register(Histogram(name: name, help: help, labelNames: labels, buckets: buckets))
    }

    /// The whole registry in the text exposition format, families in registration order and series
    /// sorted by their label values, so successive scrapes are stable.
    public func exposition() -> String {
        let snapshot = lock.withLock { families }
        var out = ""
        for family in snapshot {
            out += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.type)\n"
            family.render(into: &out)
        }
        return out
    }

    private func register<Family: MetricFamily>(_ family: Family) -> Family {
        precondition(Self.isValidMetricName(family.name), "invalid metric name \(family.name)")
        lock.withLock {
            precondition(names.insert(family.name).inserted, "metric \(family.name) registered twice")
            families.append(family)
        }
        return family
    }

    static func isValidMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first == ":" || first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0 == ":" || $0.isASCIILetter || $0.isASCIIDigit }
    }

    static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return !name.hasPrefix("__") && name.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIILetter || $0.isASCIIDigit }
    }

    /// HELP text escapes backslash and line feed.
    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Prometheus sample values: integral values without a fraction, `+Inf`, `-Inf`, `NaN`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return JSONValue.format(value)
    }

    /// `{a="x",b="y"}` or nothing for no labels.
    static func labelSet(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let pairs = zip(names, values).map { "\($0)=\"\(escapeLabelValue($1))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
