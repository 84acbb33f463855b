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

protocol MetricFamily: AnyObject, Sendable {
    var name: String { get }
    var help: String { get }
    var type: String { get }
    func render(into out: inout String)
}

/// Label values stored per series; checked against the family's label names on every update.
private func checkedLabels(_ values: [String], for names: [String], in metric: String) -> [String] {
    precondition(values.count == names.count, "\(metric) takes labels \(names), got \(values.count) values")
    return values
}

private func validatedLabelNames(_ names: [String], reserved: Set<String> = []) -> [String] {
    for name in names {
        precondition(MetricsRegistry.isValidLabelName(name) && !reserved.contains(name), "invalid label name \(name)")
    }
    return names
}

/// A Prometheus counter family.
public final class Counter: MetricFamily, @unchecked Sendable {
    let name: String
    let help: String
    let type = "counter"
    let labelNames: [String]
    private let lock = NSLock()
    private var values: [[String]: Double] = [:]

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = validatedLabelNames(labelNames)
    }

    /// Adds `amount` (which must not be negative) to the series with these label values, in order.
    public func increment(by amount: Double = 1, labels: [String] = []) {
        precondition(amount >= 0, "a counter only goes up")
        let key = checkedLabels(labels, for: labelNames, in: name)
        lock.withLock { values[key, default: 0] += amount }
    }

    /// The current value of one series (0 if never incremented).
    public func value(labels: [String] = []) -> Double { lock.withLock { values[labels] ?? 0 } }

    func render(into out: inout String) {
        let series = lock.withLock { values }
        if series.isEmpty && labelNames.isEmpty {
            out += "\(name) 0\n"
        }
        for (labels, value) in series.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            out += "\(name)\(MetricsRegistry.labelSet(labelNames, labels)) \(MetricsRegistry.format(value))\n"
        }
    }
}

/// A Prometheus gauge family.
public final class Gauge: MetricFamily, @unchecked Sendable {
    let name: String
    let help: String
    let type = "gauge"
    let labelNames: [String]
    private let lock = NSLock()
    private var values: [[String]: Double] = [:]

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = validatedLabelNames(labelNames)
    }

    public func set(_ value: Double, labels: [String] = []) {
        let key = checkedLabels(labels, for: labelNames, in: name)
        lock.withLock { values[key] = value }
    }

    public func add(_ delta: Double, labels: [String] = []) {
        let key = checkedLabels(labels, for: labelNames, in: name)
        lock.withLock { values[key, default: 0] += delta }
    }

    public func value(labels: [String] = []) -> Double { lock.withLock { values[labels] ?? 0 } }

    func render(into out: inout String) {
        let series = lock.withLock { values }
        if series.isEmpty && labelNames.isEmpty {
            out += "\(name) 0\n"
        }
        for (labels, value) in series.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            out += "\(name)\(MetricsRegistry.labelSet(labelNames, labels)) \(MetricsRegistry.format(value))\n"
        }
    }
}

final class CallbackMetric: MetricFamily, Sendable {
    let name: String
    let help: String
    let type: String
    let read: @Sendable () -> Double

    init(name: String, help: String, type: String, read: @escaping @Sendable () -> Double) {
        self.name = name
        self.help = help
        self.type = type
        self.read = read
    }

    func render(into out: inout String) {
        out += "\(name) \(MetricsRegistry.format(read()))\n"
    }
}

/// A Prometheus histogram family with fixed buckets.
public final class Histogram: MetricFamily, @unchecked Sendable {
    let name: String
    let help: String
    let type = "histogram"
    let labelNames: [String]
    /// Upper bounds, ascending, without `+Inf`.
    public let buckets: [Double]

    private struct Series {
        var counts: [UInt64]  // (buckets.count + 1): per bucket, not cumulative; the last is +Inf only
        var sum: Double = 0
    }

    private let lock = NSLock()
    private var series: [[String]: Series] = [:]

    /// Latency buckets in seconds, from 1 ms to 30 s.
    public static let latencySeconds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        self.name = name
        self.help = help
        self.labelNames = validatedLabelNames(labelNames, reserved: ["le"])
        self.buckets = validatedBuckets(buckets, name)
    }

    /// Records one observation; it falls in the first bucket whose bound is >= `value`.
    public func observe(_ value: Double, labels: [String] = []) {
        let key = checkedLabels(labels, for: labelNames, in: name)
        let index = buckets.firstIndex { value <= $0 } ?? buckets.count
        lock.withLock {
            var entry = series[key] ?? Series(counts: Array(repeating: 0, count: buckets.count + 1))
            entry.counts[index] += 1
            entry.sum += value
            series[key] = entry
        }
    }

    /// Records a duration in seconds.
    public func observe(_ duration: Duration, labels: [String] = []) {
        observe(duration.seconds, labels: labels)
    }

    /// The number of observations in one series.
    public func count(labels: [String] = []) -> UInt64 {
        lock.withLock { series[labels]?.counts.reduce(0, +) ?? 0 }
    }

    func render(into out: inout String) {
        var snapshot = lock.withLock { series }
        if snapshot.isEmpty && labelNames.isEmpty {
            snapshot[[]] = Series(counts: Array(repeating: 0, count: buckets.count + 1))
        }
        for (labels, entry) in snapshot.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            renderHistogram(name: name, labelNames: labelNames, labels: labels, buckets: buckets,
                            counts: entry.counts, sum: entry.sum, into: &out)
        }
    }
}

final class CallbackHistogram: MetricFamily, Sendable {
    let name: String
    let help: String
    let type = "histogram"
    let buckets: [Double]
    let read: @Sendable () -> (counts: [UInt64], sum: Double)

    init(name: String, help: String, buckets: [Double], read: @escaping @Sendable () -> (counts: [UInt64], sum: Double)) {
        self.name = name
        self.help = help
        self.buckets = buckets
        self.read = read
    }

    func render(into out: inout String) {
        var (counts, sum) = read()
        // A source with a different bucket count is a programming error; render what fits, never trap.
        counts = Array(counts.prefix(buckets.count + 1))
        counts += Array(repeating: 0, count: buckets.count + 1 - counts.count)
        renderHistogram(name: name, labelNames: [], labels: [], buckets: buckets, counts: counts, sum: sum, into: &out)
    }
}

private func validatedBuckets(_ buckets: [Double], _ name: String) -> [Double] {
    precondition(!buckets.isEmpty && buckets.allSatisfy(\.isFinite), "histogram \(name) needs finite buckets")
    precondition(zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "histogram \(name) buckets must ascend")
    return buckets
}

/// Cumulative `_bucket` lines (with `le="+Inf"`), then `_sum` and `_count`.
/// `counts` has one entry per bucket plus one for +Inf, not cumulative.
private func renderHistogram(name: String, labelNames: [String], labels: [String], buckets: [Double],
                             counts: [UInt64], sum: Double, into out: inout String) {
    var cumulative: UInt64 = 0
    let bounds = buckets.map(MetricsRegistry.format) + ["+Inf"]
    for (bound, count) in zip(bounds, counts) {
        cumulative += count
        let labelSet = MetricsRegistry.labelSet(labelNames + ["le"], labels + [bound])
        out += "\(name)_bucket\(labelSet) \(cumulative)\n"
    }
    let plain = MetricsRegistry.labelSet(labelNames, labels)
    out += "\(name)_sum\(plain) \(MetricsRegistry.format(sum))\n"
    out += "\(name)_count\(plain) \(cumulative)\n"
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
