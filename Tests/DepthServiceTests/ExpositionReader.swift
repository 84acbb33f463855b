import Testing

/// One parsed sample line of the text exposition format.
struct Sample: Equatable {
    var name: String
    var labels: [String: String]
    var value: String
}

/// A strict reader of the exposition text, independent of the writer: every line is a HELP, a TYPE
/// or a sample, label values are unescaped, and anything else fails the test.
struct Exposition {
    var help: [String: String] = [:]
    var type: [String: String] = [:]
    var samples: [Sample] = []
    var lines: [String] = []

    init(_ text: String) throws {
        #expect(text.hasSuffix("\n"), "the exposition ends with a line feed")
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        for line in lines {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                let name = rest.prefix { $0 != " " }
                help[String(name)] = String(rest.dropFirst(name.count + 1))
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                try #require(parts.count == 4, "TYPE line: \(line)")
                type[String(parts[2])] = String(parts[3])
            } else {
                samples.append(try Self.sample(line))
            }
        }
    }

    static func sample(_ line: String) throws -> Sample {
        var chars = Substring(line)
        let name = String(chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        chars = chars.dropFirst(name.count)
        var labels: [String: String] = [:]
        if chars.first == "{" {
            chars = chars.dropFirst()
            while chars.first != "}" {
                let key = String(chars.prefix { $0 != "=" })
                chars = chars.dropFirst(key.count)
                try #require(chars.hasPrefix("=\""), "label \(key) in \(line)")
                chars = chars.dropFirst(2)
                var value = ""
                while let c = chars.first, c != "\"" {
                    chars = chars.dropFirst()
                    if c == "\\" {
                        let escaped = try #require(chars.first, "dangling escape in \(line)")
                        chars = chars.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        default: Issue.record("bad escape \\\(escaped) in \(line)")
                        }
                    } else {
                        value.append(c)
                    }
                }
                try #require(chars.first == "\"", "unterminated label value in \(line)")
                chars = chars.dropFirst()
                labels[key] = value
                if chars.first == "," { chars = chars.dropFirst() }
            }
            chars = chars.dropFirst()
        }
        try #require(chars.first == " ", "sample without value: \(line)")
        let value = String(chars.dropFirst())
        try #require(value == "+Inf" || value == "-Inf" || value == "NaN" || Double(value) != nil, "value in \(line)")
        return Sample(name: name, labels: labels, value: value)
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> String? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// A sample's value as a number (0 when absent).
    func number(_ name: String, _ labels: [String: String] = [:]) -> Double {
        value(name, labels).flatMap(Double.init) ?? 0
    }
}
