#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialises responses to HTTP/1.1 bytes: status line, sanitised fields, framing headers, body.
enum ResponseWriter {
    /// Appends the bytes of `response` to `output`; `includeBody` is false for HEAD (Content-Length
    /// still that of the body). `date` is the Date field's value (``DateCache``). Written byte by
    /// byte into the connection's buffer: no intermediate String or array per response.
    static func serialize(_ response: HTTPResponse, into output: inout [UInt8], keepAlive: Bool, includeBody: Bool,
                          serverName: String?, date: [UInt8], http10KeepAlive: Bool = false) {
        let noContent = HTTPStatus.forbidsContent(response.status)
        let sendsBody = sendsBody(response, includeBody: includeBody)
        output.reserveCapacity(output.count + 128 + response.headers.count * 48 + (sendsBody ? response.body.count : 0))
        output.append(contentsOf: statusLinePrefix)
        appendDecimal(response.status, to: &output)
        output.append(ASCII.space)
        output.append(contentsOf: HTTPStatus.reasonPhrase(response.status).utf8)
        output.append(contentsOf: crlf)
        var hasDate = false, hasServer = false
        for field in response.headers where isSafe(field) {
            if isFraming(field.name) { continue }
            if !hasDate, field.name.equalsIgnoringASCIICase("Date") { hasDate = true }
            if !hasServer, field.name.equalsIgnoringASCIICase("Server") { hasServer = true }
            appendField(field.name.utf8, field.value.utf8, to: &output)
        }
        if !hasDate { appendField(dateName, date, to: &output) }
        if let serverName, !hasServer { appendField(serverFieldName, serverName.utf8, to: &output) }
        if !noContent {
            output.append(contentsOf: contentLengthName)
            appendDecimal(response.body.count, to: &output)
            output.append(contentsOf: crlf)
        }
        if !keepAlive {
            output.append(contentsOf: connectionClose)
        } else if http10KeepAlive {
            output.append(contentsOf: connectionKeepAlive)
        }
        output.append(contentsOf: crlf)
        if sendsBody { output.append(contentsOf: response.body) }
    }

    /// Whether `response`'s body follows its head: not for HEAD (`includeBody` false), nor for a
    /// status that forbids content.
    static func sendsBody(_ response: HTTPResponse, includeBody: Bool) -> Bool {
        includeBody && !HTTPStatus.forbidsContent(response.status)
    }

    /// Appends `response` to a connection's `output`: the head copied, the body after it (not
    /// copied when large, see ``PendingOutput``). Returns the bytes appended.
    static func serialize(_ response: HTTPResponse, into output: inout PendingOutput, keepAlive: Bool, includeBody: Bool,
                          serverName: String?, date: [UInt8], http10KeepAlive: Bool = false) -> Int {
        var headBytes = 0
        output.append { bytes in
            let start = bytes.count
            serialize(response, into: &bytes, keepAlive: keepAlive, includeBody: false, serverName: serverName, date: date,
                      http10KeepAlive: http10KeepAlive)
            headBytes = bytes.count - start
        }
        guard sendsBody(response, includeBody: includeBody) else { return headBytes }
        output.append(body: response.body)
        return headBytes + response.body.count
    }

    /// The bytes of `response` on their own (the current time as its Date).
    static func serialize(_ response: HTTPResponse, keepAlive: Bool, includeBody: Bool, serverName: String?,
                          http10KeepAlive: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        serialize(response, into: &bytes, keepAlive: keepAlive, includeBody: includeBody, serverName: serverName,
                  date: Array(httpDate().utf8), http10KeepAlive: http10KeepAlive)
        return bytes
    }

    /// The Date value of the current second, formatted once per second (per connection, so no lock).
    struct DateCache {
        private var second: time_t = -1
        private var value: [UInt8] = []

        mutating func current() -> [UInt8] {
            let now = time(nil)
            if now != second {
                second = now
                value = Array(ResponseWriter.httpDate(now).utf8)
            }
            return value
        }
    }

    /// A field is sent only if its name is a token and its value has no CR, LF or NUL (no response splitting).
    private static func isSafe(_ field: HTTPField) -> Bool {
        ASCII.isToken(field.name.utf8) && field.value.utf8.allSatisfy(ASCII.isFieldValueCharacter)
    }

    /// The framing fields, which the server alone sets.
    private static func isFraming(_ name: String) -> Bool {
        name.equalsIgnoringASCIICase("Content-Length") || name.equalsIgnoringASCIICase("Transfer-Encoding")
            || name.equalsIgnoringASCIICase("Connection") || name.equalsIgnoringASCIICase("Keep-Alive")
    }

    private static func appendField(_ name: some Collection<UInt8>, _ value: some Collection<UInt8>, to output: inout [UInt8]) {
        output.append(contentsOf: name)
        output.append(ASCII.colon)
        output.append(ASCII.space)
        output.append(contentsOf: value)
        output.append(contentsOf: crlf)
    }

    /// A non-negative integer in decimal.
    private static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        guard value > 0 else {
            output.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[19 - count] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
                count += 1
            }
            output.append(contentsOf: buffer[(20 - count)...])
        }
    }

    private static let statusLinePrefix = Array("HTTP/1.1 ".utf8)
    private static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]
    private static let dateName = Array("Date".utf8)
    private static let serverFieldName = Array("Server".utf8)
    private static let contentLengthName = Array("Content-Length: ".utf8)
    private static let connectionClose = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive = Array("Connection: keep-alive\r\n".utf8)
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The current time as an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    static func httpDate(_ seconds: time_t = time(nil)) -> String {
        var clock = seconds
        var parts = tm()
        gmtime_r(&clock, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// The fixed answer to a connection beyond `maxConnections`.
    static let overloaded: [UInt8] = Array(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Retry-After: 1\r\nContent-Length: 28\r\nConnection: close\r\n\r\ntoo many connections, retry\n").utf8)

    static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
