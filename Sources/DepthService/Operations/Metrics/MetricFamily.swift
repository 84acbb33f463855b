import Foundation

/// One metric family of a ``MetricsRegistry``: its name, help and type, and how it renders its series.
protocol MetricFamily: AnyObject, Sendable {
    var name: String { get }
    var help: String { get }
    var type: String { get }
    func render(into out: inout String)
}

/// Label values stored per series; checked against the family's label names on every update.
func checkedLabels(_ values: [String], for names: [String], in metric: String) -> [String] {
    precondition(values.count == names.count, "\(metric) takes labels \(names), got \(values.count) values")
    return values
}

func validatedLabelNames(_ names: [String], reserved: Set<String> = []) -> [String] {
    for name in names {
        precondition(MetricsRegistry.isValidLabelName(name) && !reserved.contains(name), "invalid label name \(name)")
    }
    return names
}

func validatedBuckets(_ buckets: [Double], _ name: String) -> [Double] {
    precondition(!buckets.isEmpty && buckets.allSatisfy(\.isFinite), "histogram \(name) needs finite buckets")
    precondition(zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "histogram \(name) buckets must ascend")
    return buckets
}

/// Cumulative `_bucket` lines (with `le="+Inf"`), then `_sum` and `_count`.
/// `counts` has one entry per bucket plus one for +Inf, not cumulative.
func renderHistogram(name: String, labelNames: [String], labels: [String], buckets: [Double],
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
