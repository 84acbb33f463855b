/// A Prometheus gauge family.
public final class Gauge: MetricFamily, Sendable {
    let help: String
    let type = "gauge"
    private let series: SeriesValues
    var name: String { series.name }

    init(name: String, help: String, labelNames: [String]) {
        self.help = help
        series = SeriesValues(name: name, labelNames: labelNames)
    }

    /// Sets the series with these label values, in order.
    public func set(_ value: Double, labels: [String] = []) {
        series.update(labels: labels) { $0 = value }
    }

    /// Adds `delta` (either sign) to the series with these label values, in order.
    public func add(_ delta: Double, labels: [String] = []) {
        series.update(labels: labels) { $0 += delta }
    }

    /// The current value of one series (0 if never set).
    public func value(labels: [String] = []) -> Double { series.value(labels: labels) }

    func render(into out: inout String) { series.render(into: &out) }
}
