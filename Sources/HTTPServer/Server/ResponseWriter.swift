#if canImport(Glibc)
import Glibc
#endif

/// Serialises responses to HTTP/1.1 bytes: status line, sanitised fields, framing headers, body.
enum ResponseWriter {
    /// The bytes of `response`; `includeBody` is false for HEAD (Content-Length still that of the body).
    static func serialize(_ response: HTTPResponse, keepAlive: Bool, includeBody: Bool, serverName: String?,
                          http10KeepAlive: Bool = false) -> [UInt8] {
        let noContent = HTTPStatus.forbidsContent(response.status)
        var text = "HTTP/1.1 \(response.status) \(HTTPStatus.reasonPhrase(response.status))\r\n"
        for field in response.headers where isSafe(field) {
            switch field.name.lowercased() {
            case "content-length", "transfer-encoding", "connection", "keep-alive": continue
            default: text += "\(field.name): \(field.value)\r\n"
            }
        }
        if !response.headers.contains("Date") { text += "Date: \(httpDate())\r\n" }
        if let serverName, !response.headers.contains("Server") { text += "Server: \(serverName)\r\n" }
        if !noContent { text += "Content-Length: \(response.body.count)\r\n" }
        if !keepAlive {
            text += "Connection: close\r\n"
        } else if http10KeepAlive {
            text += "Connection: keep-alive\r\n"
        }
        text += "\r\n"
        var bytes = Array(text.utf8)
        if includeBody && !noContent { bytes.append(contentsOf: response.body) }
        return bytes
    }

    /// A field is sent only if its name is a token and its value has no CR, LF or NUL (no response splitting).
    private static func isSafe(_ field: HTTPField) -> Bool {
        ASCII.isToken(field.name.utf8) && field.value.utf8.allSatisfy(ASCII.isFieldValueCharacter)
    }

    /// The current time as an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    static func httpDate(_ seconds: time_t = time(nil)) -> String {
        var clock = seconds
        var parts = tm()
        gmtime_r(&clock, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// The fixed answer to a connection beyond `maxConnections`.
    static let overloaded: [UInt8] = Array(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Retry-After: 1\r\nContent-Length: 28\r\nConnection: close\r\n\r\ntoo many connections, retry\n").utf8)

    static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
