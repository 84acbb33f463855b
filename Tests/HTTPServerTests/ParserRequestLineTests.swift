import Testing
@testable import HTTPServer

@Suite struct ParserRequestLineTests {
    @Test func parsesOriginFormGetWithQuery() throws {
        let outcome = parse("GET /v1/depth?format=json&size=input HTTP/1.1\r\nHost: example.com\r\n\r\n")
        let message = try #require(outcome.only)
        #expect(outcome.error == nil)
        #expect(message.head.method == "GET")
        #expect(message.head.target == "/v1/depth?format=json&size=input")
        #expect(message.head.path == "/v1/depth")
        #expect(message.head.query == "format=json&size=input")
        #expect(message.head.version == .http1_1)
        #expect(message.head.framing == .none)
        #expect(message.head.keepAlive)
        #expect(message.body.isEmpty)
    }

    @Test func decodesQueryItemsWithPlusAndPercentEscapes() {
        let items = HTTPRequest.decodeQuery("a=1&b=x+y&c=%2F%41&d&e=%zz")
        #expect(items == [
            HTTPQueryItem(name: "a", value: "1"), HTTPQueryItem(name: "b", value: "x y"),
            HTTPQueryItem(name: "c", value: "/A"), HTTPQueryItem(name: "d", value: ""),
            HTTPQueryItem(name: "e", value: "%zz"),
        ])
    }

    @Test func rejectsDoubleSpaceInRequestLine() {
        #expect(parse("GET  / HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.malformedRequestLine, 400))
        #expect(parse("GET /  HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.malformedRequestLine, 400))
        #expect(parse("GET / HTTP/1.1 \r\nHost: a\r\n\r\n").rejection == Rejection(.malformedRequestLine, 400))
    }

    @Test func rejectsInvalidCharacterInMethod() {
        #expect(parse("GE(T / HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.invalidMethod, 400))
        #expect(parse("G\u{0}T / HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.invalidMethod, 400))
    }

    @Test func unknownMethodIsNotImplemented() {
        #expect(parse("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.methodNotImplemented, 501))
        // Methods are case-sensitive: "get" is not GET.
        #expect(parse("get / HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.methodNotImplemented, 501))
    }

    @Test func knownMethodsAreConfigurable() {
        var limits = HTTPParserLimits()
        limits.knownMethods.insert("BREW")
        #expect(parse("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits).only?.head.method == "BREW")
    }

    @Test func malformedVersionIsBadRequest() {
        #expect(parse("GET / HTTP/1.x\r\nHost: a\r\n\r\n").rejection == Rejection(.malformedVersion, 400))
        #expect(parse("GET / http/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.malformedVersion, 400))
        #expect(parse("GET / HTTP/1.10\r\nHost: a\r\n\r\n").rejection == Rejection(.malformedVersion, 400))
        #expect(parse("GET / HTTP/1\r\nHost: a\r\n\r\n").rejection == Rejection(.malformedVersion, 400))
    }

    @Test func unsupportedVersionIs505() {
        #expect(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n").rejection == Rejection(.unsupportedVersion, 505))
        #expect(parse("GET / HTTP/3\r\nHost: a\r\n\r\n").rejection == Rejection(.unsupportedVersion, 505))
        #expect(parse("GET / HTTP/0.9\r\nHost: a\r\n\r\n").rejection == Rejection(.unsupportedVersion, 505))
    }

    @Test func higherMinorVersionIsServedAsHTTP11() {
        #expect(parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n").only?.head.version == .http1_1)
    }

    @Test func targetOverTheCapIs414() {
        var limits = HTTPParserLimits()
        limits.maxTargetLength = 64
        let long = "/" + String(repeating: "a", count: 64)
        #expect(parse("GET \(long) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits).rejection == Rejection(.targetTooLong, 414))
        // Detected before the line ends, so a client cannot make the server buffer an endless target.
        let endless = "GET /" + String(repeating: "a", count: 500)
        #expect(run(Array(endless.utf8), limits: limits, chunkSize: 1).rejection == Rejection(.targetTooLong, 414))
        #expect(parse("GET /\(String(repeating: "a", count: 62)) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits).error == nil)
    }

    @Test func requestLineWithoutMethodAndSpaceOverTheCapIs400() {
        var limits = HTTPParserLimits()
        limits.maxTargetLength = 64
        // No space within a method's length: not a long target but no request line at all.
        let endless = String(repeating: "G", count: 500)
        #expect(run(Array(endless.utf8), limits: limits, chunkSize: 1).rejection == Rejection(.requestLineTooLong, 400))
        #expect(parse(endless + " / HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits).rejection == Rejection(.requestLineTooLong, 400))
    }

    @Test func rejectsInvalidCharactersInTarget() {
        #expect(parse("GET /a\u{7F}b HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.invalidTarget, 400))
        #expect(parse("GET /caf\u{E9} HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.invalidTarget, 400))
        #expect(parse("GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.invalidTarget, 400))
        #expect(parse("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.invalidTarget, 400))
        #expect(parse("GET relative HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.unrecognisedTargetForm, 400))
    }

    @Test func asteriskFormOnlyForOptions() {
        #expect(parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").only?.head.path == "*")
        #expect(parse("GET * HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.asteriskFormWithoutOptions, 400))
    }

    @Test func absoluteFormTargetYieldsPathAndQuery() {
        let head = parse("GET http://example.com:8080/v1/x?y=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n").only?.head
        #expect(head?.path == "/v1/x")
        #expect(head?.query == "y=1")
        #expect(parse("GET HTTPS://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n").only?.head.path == "/")
        #expect(parse("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.absoluteFormWithoutHost, 400))
    }

    @Test func strayCRLFBeforeRequestLineIsTolerated() {
        let outcome = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(outcome.only?.head.path == "/")
    }

    @Test func endlessEmptyLinesAreRejected() {
        #expect(parse(String(repeating: "\r\n", count: 20) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.tooManyEmptyLines, 400))
    }

    @Test func bareLFLineEndingsAreRejected() {
        #expect(parse("GET / HTTP/1.1\nHost: a\r\n\r\n").rejection == Rejection(.bareLF, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\n\r\n").rejection == Rejection(.bareLF, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n\n").rejection == Rejection(.bareLF, 400))
        #expect(parse("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.bareLF, 400))
    }

    @Test func bareCRInRequestLineIsRejected() {
        #expect(parse("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n").rejection == Rejection(.bareCR, 400))
    }

    @Test func parserStaysFailedAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET  / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        let first = #expect(throws: HTTPParseError.self) { try parser.next() }
        #expect(first?.kind == .malformedRequestLine)
        let again = #expect(throws: HTTPParseError.self) { try parser.next() }
        #expect(again == first, "the same error, not a parse of the well-formed request after it")
    }
}
