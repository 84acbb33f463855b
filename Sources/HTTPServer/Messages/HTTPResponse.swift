/// A response from a handler. The server adds Content-Length, Date and Connection itself
/// (replacing any the handler set), and drops fields whose name or value could split the response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A text/plain response (UTF-8).
    public init(status: Int, headers: HTTPHeaders = [:], text: String) {
        var headers = headers
        if !headers.contains("Content-Type") { headers.add(name: "Content-Type", value: "text/plain; charset=utf-8") }
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }

    /// The default answer to a request the parser refused or that timed out: the error's status,
    /// its reason as text/plain (``HTTPServerConfiguration/errorResponder`` can replace it).
    public init(rejecting error: HTTPParseError) {
        self.init(status: error.status, text: error.reason + "\n")
    }
}
