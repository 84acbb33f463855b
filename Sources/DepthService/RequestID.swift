import Foundation

/// The id that ties a request's log lines, its response (`X-Request-Id`) and its problem `instance`.
public enum RequestID {
    /// Longest incoming id honoured.
    public static let maximumLength = 200

    /// The client's `X-Request-Id` when it is 1...200 visible ASCII characters (so it cannot
    /// forge log lines or headers), else a new random UUID.
    public static func resolve(incoming: String?) -> String {
        if let incoming, isAcceptable(incoming) { return incoming }
        return UUID().uuidString.lowercased()
    }

    static func isAcceptable(_ id: String) -> Bool {
        let bytes = id.utf8
        return !bytes.isEmpty && bytes.count <= maximumLength && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
