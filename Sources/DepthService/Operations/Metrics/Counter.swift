import Foundation

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
