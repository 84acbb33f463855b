/// Bad configuration: every problem found, each naming the flag or variable and what was expected.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String {
        "invalid configuration:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
