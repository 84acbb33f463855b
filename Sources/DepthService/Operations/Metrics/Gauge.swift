import Foundation

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
