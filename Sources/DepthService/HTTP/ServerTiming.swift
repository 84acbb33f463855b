/// A `Server-Timing` header value (W3C Server Timing): `decode;dur=4.1, model;dur=38.5`,
/// durations in milliseconds with one decimal.
public struct ServerTiming: Sendable, Equatable {
    public static let headerName = "Server-Timing"

    public private(set) var entries: [(name: String, duration: Duration)] = []

    public init() {}

    /// Adds a phase; `name` must be a token (letters, digits, `-`, `_`), which the service's
    /// fixed phase names are.
    public mutating func add(_ name: String, _ duration: Duration) {
        entries.append((name, duration))
    }

    public var headerValue: String {
        entries.map { "\($0.name);dur=\(Self.milliseconds($0.duration))" }.joined(separator: ", ")
    }

    static func milliseconds(_ duration: Duration) -> String {
        let tenths = (duration.seconds * 10_000).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "0" }
        let value = Int64(tenths)
        let sign = value < 0 ? "-" : ""
        return "\(sign)\(abs(value) / 10).\(abs(value) % 10)"
    }

    public static func == (lhs: ServerTiming, rhs: ServerTiming) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.duration == $1.duration }
    }
}
