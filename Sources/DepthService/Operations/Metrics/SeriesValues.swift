import Foundation

/// The series of one counter or gauge family: a value per list of label values, behind a lock,
/// and how they render (a family without labels shows 0 before its first update).
final class SeriesValues: @unchecked Sendable {
    let name: String
    let labelNames: [String]
    private let lock = NSLock()
    private var values: [[String]: Double] = [:]

    init(name: String, labelNames: [String]) {
        self.name = name
        self.labelNames = validatedLabelNames(labelNames)
    }

    /// Changes the series with these label values (in the family's label order), starting from 0.
    func update(labels: [String], _ change: (inout Double) -> Void) {
        let key = checkedLabels(labels, for: labelNames, in: name)
        lock.withLock { change(&values[key, default: 0]) }
    }

    func value(labels: [String]) -> Double { lock.withLock { values[labels] ?? 0 } }

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
