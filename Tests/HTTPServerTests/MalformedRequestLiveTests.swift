import Testing
@testable import HTTPServer
import LiveTestSupport

/// Issue 6 item 1, the parser-side cases: each malformed request, sent over a real socket, is
/// refused for the rule it breaks, with the status RFC 9110/9112 calls for, `Connection: close`,
/// the connection closed, and the server still answers a normal request afterwards.
@Suite struct MalformedRequestLiveTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: String
        /// The rule the parser names and the status the client is answered with.
        let rejection: Rejection
        var testDescription: String { name }
    }

    static let host = "Host: t\r\n"

    static let cases: [Case] = [
        Case(name: "no Host on HTTP/1.1", bytes: "GET / HTTP/1.1\r\n\r\n", rejection: Rejection(.missingHost, 400)),
        Case(name: "two Host lines", bytes: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", rejection: Rejection(.duplicateHost, 400)),
        Case(name: "space before colon", bytes: "GET / HTTP/1.1\r\nHost : t\r\n\r\n", rejection: Rejection(.whitespaceBeforeColon, 400)),
        Case(name: "obs-fold", bytes: "GET / HTTP/1.1\r\n\(host)X: a\r\n b\r\n\r\n", rejection: Rejection(.obsoleteLineFolding, 400)),
        Case(name: "bare CR in value", bytes: "GET / HTTP/1.1\r\n\(host)X: a\rb\r\n\r\n", rejection: Rejection(.bareCR, 400)),
        Case(name: "NUL in value", bytes: "GET / HTTP/1.1\r\n\(host)X: a\u{0}b\r\n\r\n", rejection: Rejection(.invalidFieldValue, 400)),
        Case(name: "bare LF line endings", bytes: "GET / HTTP/1.1\nHost: t\n\n", rejection: Rejection(.bareLF, 400)),
        Case(name: "illegal header name character", bytes: "GET / HTTP/1.1\r\n\(host)X[1]: a\r\n\r\n", rejection: Rejection(.invalidFieldName, 400)),
        Case(name: "Content-Length with Transfer-Encoding",
             bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", rejection: Rejection(.contentLengthWithTransferEncoding, 400)),
        Case(name: "differing duplicate Content-Length",
             bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", rejection: Rejection(.conflictingContentLength, 400)),
        Case(name: "Content-Length +1", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: +1\r\n\r\na", rejection: Rejection(.invalidContentLength, 400)),
        Case(name: "Content-Length 0x1", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 0x1\r\n\r\na", rejection: Rejection(.invalidContentLength, 400)),
        Case(name: "Content-Length of 20 digits",
             bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 00000000000000000001\r\n\r\na", rejection: Rejection(.invalidContentLength, 400)),
        Case(name: "Content-Length over the cap", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 1000001\r\n\r\n", rejection: Rejection(.bodyTooLarge, 413)),
        Case(name: "unknown transfer coding", bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: zip\r\n\r\n", rejection: Rejection(.unknownTransferCoding, 501)),
        Case(name: "chunked not last", bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, gzip\r\n\r\n", rejection: Rejection(.chunkedNotFinal, 400)),
        Case(name: "chunked twice", bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", rejection: Rejection(.chunkedAppliedTwice, 400)),
        Case(name: "Transfer-Encoding on HTTP/1.0", bytes: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", rejection: Rejection(.transferEncodingInHTTP10, 400)),
        Case(name: "chunk size overflow",
             bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1000000000000000000000\r\n", rejection: Rejection(.chunkSizeOverflow, 400)),
        Case(name: "chunk size not hex", bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nxyz\r\n", rejection: Rejection(.invalidChunkSize, 400)),
        Case(name: "chunk data longer than declared",
             bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n2\r\nabcdef\r\n0\r\n\r\n", rejection: Rejection(.chunkDataLongerThanSize, 400)),
        Case(name: "chunk extension beyond the cap",
             bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 2000))\r\n", rejection: Rejection(.chunkLineTooLong, 400)),
        Case(name: "trailers beyond the cap",
             bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nX: \(String(repeating: "t", count: 5000))\r\n\r\n", rejection: Rejection(.trailerSectionTooLarge, 431)),
        Case(name: "chunked total over the cap",
             bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nF4241\r\n", rejection: Rejection(.bodyTooLarge, 413)),
        Case(name: "bad method token", bytes: "G@T / HTTP/1.1\r\n\(host)\r\n", rejection: Rejection(.invalidMethod, 400)),
        Case(name: "unknown method", bytes: "PURGE / HTTP/1.1\r\n\(host)\r\n", rejection: Rejection(.methodNotImplemented, 501)),
        Case(name: "HTTP/2.0", bytes: "GET / HTTP/2.0\r\n\(host)\r\n", rejection: Rejection(.unsupportedVersion, 505)),
        Case(name: "HTTP/1.x", bytes: "GET / HTTP/1.x\r\n\(host)\r\n", rejection: Rejection(.malformedVersion, 400)),
        Case(name: "double space in request line", bytes: "GET  / HTTP/1.1\r\n\(host)\r\n", rejection: Rejection(.malformedRequestLine, 400)),
        Case(name: "asterisk-form on GET", bytes: "GET * HTTP/1.1\r\n\(host)\r\n", rejection: Rejection(.asteriskFormWithoutOptions, 400)),
        Case(name: "target over the cap", bytes: "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\n\(host)\r\n", rejection: Rejection(.targetTooLong, 414)),
        Case(name: "header section over the cap",
             bytes: "GET / HTTP/1.1\r\n\(host)X: \(String(repeating: "h", count: 17000))\r\n\r\n", rejection: Rejection(.headerSectionTooLarge, 431)),
        Case(name: "too many headers",
             bytes: "GET / HTTP/1.1\r\n\(host)" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", rejection: Rejection(.tooManyHeaderFields, 431)),
        Case(name: "unsupported expectation", bytes: "POST / HTTP/1.1\r\n\(host)Expect: magic\r\nContent-Length: 0\r\n\r\n", rejection: Rejection(.unsupportedExpectation, 417)),
    ]

    static var configuration: HTTPServerConfiguration {
        var configuration = testConfiguration()
        configuration.limits.maxBodyBytes = 1_000_000
        return configuration
    }

    @Test(arguments: cases)
    func malformedRequestIsAnsweredAndClosedAndServerStaysHealthy(_ testCase: Case) async throws {
        let (configuration, rejections) = recordingRejections(Self.configuration)
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send(testCase.bytes)
            let response = try #require(try await client.readResponse())
            #expect(rejections.values == [testCase.rejection.kind])
            #expect(response.status == testCase.rejection.status)
            #expect(response.headers["Connection"] == "close")
            #expect(!response.bodyText.isEmpty, "the error body says why")
            #expect(try await client.isClosedByServer())
            #expect(try await expectHealthy(server))
        }
    }

    @Test func wellFormedRequestsAcceptedAlongsideTheSuite() async throws {
        try await withServer(Self.configuration) { server in
            let client = try RawClient(port: server.port)
            // A stray CRLF before the request line, absolute-form, asterisk-form OPTIONS: all answered.
            try await client.send("\r\nGET http://t/echo?q=1 HTTP/1.1\r\nHost: t\r\n\r\n")
            let absolute = try #require(try await client.readResponse())
            #expect(absolute.headers["X-Path"] == "/echo")
            #expect(absolute.headers["X-Query"] == "q=1")
            try await client.send("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.status == 200)
        }
    }

    @Test func oversizedContentLengthIs413EvenWhileTheClientKeepsSending() async throws {
        let (configuration, rejections) = recordingRejections(Self.configuration)
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\n\r\n")
            // The client pushes body bytes the server will never use; the lingering close lets it read the 413.
            try? await client.send(bytes: [UInt8](repeating: 120, count: 300_000))
            let response = try #require(try await client.readResponse())
            #expect(response.status == 413)
            #expect(rejections.values == [.bodyTooLarge])
            #expect(try await expectHealthy(server))
        }
    }

    @Test func smugglingProbesDoNotDesynchroniseTheConnection() async throws {
        let (configuration, rejections) = recordingRejections(Self.configuration)
        try await withServer(configuration) { server in
            // CL.TE: if the server used Content-Length, "GPOST" would start a second request.
            let clte = try RawClient(port: server.port)
            try await clte.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGPOST / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await clte.readResponse()?.status == 400)
            #expect(try await clte.isClosedByServer())
            // TE.CL with an obfuscated coding: never read as chunked.
            let tecl = try RawClient(port: server.port)
            try await tecl.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n")
            #expect(try await tecl.readResponse()?.status == 400)
            #expect(try await tecl.isClosedByServer())
            // Both refused for carrying two framings, before either framing is read.
            #expect(rejections.values == [.contentLengthWithTransferEncoding, .contentLengthWithTransferEncoding])
        }
    }
}
