/// A Prometheus counter family.
public final class Counter: MetricFamily, Sendable {
    let help: String
    let type = "counter"
    private let series: SeriesValues
    var name: String { series.name }

    init(name: String, help: String, labelNames: [String]) {
        self.help = help
        series = SeriesValues(name: name, labelNames: labelNames)
    }

    /// Adds `amount` (which must not be negative) to the series with these label values, in order.
    public func increment(by amount: Double = 1, labels: [String] = []) {
        precondition(amount >= 0, "a counter only goes up")
        series.update(labels: labels) { $0 += amount }
    }

    /// The current value of one series (0 if never incremented).
    public func value(labels: [String] = []) -> Double { series.value(labels: labels) }

    func render(into out: inout String) { series.render(into: &out) }
}
