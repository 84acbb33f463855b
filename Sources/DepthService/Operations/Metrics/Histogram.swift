import Foundation

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
