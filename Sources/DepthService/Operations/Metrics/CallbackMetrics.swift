/// A gauge or counter kept elsewhere, read when the registry is scraped.
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

/// A histogram kept elsewhere, read when the registry is scraped.
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
