import Testing
@testable import HTTPServer
import LiveTestSupport

/// Issue 6 item 10: request-smuggling probes beyond the CL.TE and TE.CL pair in
/// MalformedRequestLiveTests. Every probe carries a second request ("GET /smuggled") where an
/// ambiguous framing could put it. Over a real socket, that request must never be answered as a
/// request of its own: either the probe is refused and the connection closed, or its framing is
/// unambiguous, the smuggled bytes come back as the body, and the connection stays in step.
@Suite struct SmugglingLiveTests {
    static let smuggled = "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n"
    static let chunkedSmuggled = String(smuggled.utf8.count, radix: 16) + "\r\n" + smuggled + "\r\n0\r\n\r\n"

    struct Probe: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: String
        /// The rule the probe is refused for and its status (the connection then closed); nil if accepted.
        let refusedWith: Rejection?
        var testDescription: String { name }
    }

    static let head = "POST /echo HTTP/1.1\r\nHost: t\r\n"
    static let length = smuggled.utf8.count

    static let refused: [Probe] = [
        Probe(name: "TE.TE: chunked, then a bogus second Transfer-Encoding line",
              bytes: head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.unknownTransferCoding, 501)),
        Probe(name: "TE.TE: space before the colon, with Content-Length",
              bytes: head + "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.whitespaceBeforeColon, 400)),
        Probe(name: "TE.TE: vertical tab before chunked",
              bytes: head + "Transfer-Encoding:\u{0B}chunked\r\n\r\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.invalidFieldValue, 400)),
        Probe(name: "TE.TE: quoted coding", bytes: head + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.unknownTransferCoding, 501)),
        Probe(name: "TE.TE: identity before chunked",
              bytes: head + "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.unknownTransferCoding, 501)),
        Probe(name: "TE.TE: Transfer-Encoding as an obs-fold continuation",
              bytes: head + "X: y\r\n Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.obsoleteLineFolding, 400)),
        Probe(name: "TE.TE: Transfer-Encoding after a bare LF",
              bytes: head + "X: y\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.bareLF, 400)),
        Probe(name: "TE.CL on HTTP/1.0",
              bytes: "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.transferEncodingInHTTP10, 400)),
        Probe(name: "CL.CL: differing Content-Length lines",
              bytes: head + "Content-Length: 0\r\nContent-Length: \(length)\r\n\r\n" + smuggled, refusedWith: Rejection(.conflictingContentLength, 400)),
        Probe(name: "CL.CL: differing values in one list", bytes: head + "Content-Length: 0, \(length)\r\n\r\n" + smuggled, refusedWith: Rejection(.conflictingContentLength, 400)),
        Probe(name: "CL with a space before the colon", bytes: head + "Content-Length : \(length)\r\n\r\n" + smuggled, refusedWith: Rejection(.whitespaceBeforeColon, 400)),
        Probe(name: "CL with a vertical tab", bytes: head + "Content-Length:\u{0B}\(length)\r\n\r\n" + smuggled, refusedWith: Rejection(.invalidFieldValue, 400)),
        Probe(name: "CL with a space inside the number", bytes: head + "Content-Length: 1 0\r\n\r\n" + smuggled, refusedWith: Rejection(.invalidContentLength, 400)),
        Probe(name: "chunk size with a leading space", bytes: head + "Transfer-Encoding: chunked\r\n\r\n 0\r\n\r\n" + smuggled, refusedWith: Rejection(.invalidChunkSize, 400)),
        Probe(name: "chunk size with 0x", bytes: head + "Transfer-Encoding: chunked\r\n\r\n0x0\r\n\r\n" + smuggled, refusedWith: Rejection(.invalidChunkSize, 400)),
        Probe(name: "chunk data ended by a bare LF",
              bytes: head + "Transfer-Encoding: chunked\r\n\r\n1\r\na\n0\r\n\r\n" + smuggled, refusedWith: Rejection(.chunkDataLongerThanSize, 400)),
    ]

    /// Unambiguous framings (RFC 9110/9112 allow them): the smuggled bytes are the body.
    static let accepted: [Probe] = [
        Probe(name: "identical duplicate Content-Length lines",
              bytes: head + "Content-Length: \(length)\r\nContent-Length: \(length)\r\n\r\n" + smuggled, refusedWith: nil),
        Probe(name: "identical Content-Length list", bytes: head + "Content-Length: \(length), \(length)\r\n\r\n" + smuggled, refusedWith: nil),
        Probe(name: "Content-Length with surrounding whitespace", bytes: head + "Content-Length: \t\(length) \r\n\r\n" + smuggled, refusedWith: nil),
        Probe(name: "Transfer-Encoding in capitals", bytes: head + "Transfer-Encoding: CHUNKED\r\n\r\n" + chunkedSmuggled, refusedWith: nil),
        Probe(name: "Transfer-Encoding with trailing whitespace", bytes: head + "Transfer-Encoding: chunked \r\n\r\n" + chunkedSmuggled, refusedWith: nil),
    ]

    @Test(arguments: refused)
    func ambiguousFramingIsRefusedAndTheSmuggledRequestNeverAnswered(_ probe: Probe) async throws {
        let (configuration, rejections) = recordingRejections(MalformedRequestLiveTests.configuration)
        let expected = try #require(probe.refusedWith)
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send(probe.bytes)
            let response = try #require(try await client.readResponse())
            #expect(rejections.values == [expected.kind])
            #expect(response.status == expected.status)
            #expect(response.headers["Connection"] == "close")
            #expect(!response.bodyText.contains("smuggled"))
            #expect(try await client.isClosedByServer(), "nothing after the refusal, least of all /smuggled")
            #expect(try await expectHealthy(server))
        }
    }

    @Test(arguments: accepted)
    func unambiguousFramingCarriesTheSmuggledBytesAsBodyAndStaysInStep(_ probe: Probe) async throws {
        let (configuration, rejections) = recordingRejections(MalformedRequestLiveTests.configuration)
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send(probe.bytes)
            let response = try #require(try await client.readResponse())
            #expect(response.status == 200)
            #expect(response.headers["X-Path"] == "/echo")
            #expect(response.bodyText == Self.smuggled)
            // The next request on the connection is the one answered next: the framing stayed in step.
            try await client.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.bodyText == "ok /after")
            #expect(rejections.values.isEmpty)
        }
    }
}
