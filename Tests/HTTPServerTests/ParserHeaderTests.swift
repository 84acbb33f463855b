import Testing
@testable import HTTPServer

@Suite struct ParserHeaderTests {
    @Test func headersKeepOrderAndLookUpIgnoringCase() throws {
        let outcome = parse("GET / HTTP/1.1\r\nHost: a\r\nX-One:  1 \r\nx-one: 2\r\nAccept:\timage/png\t\r\n\r\n")
        let headers = try #require(outcome.only?.head.headers)
        #expect(headers.fields.map(\.name) == ["Host", "X-One", "x-one", "Accept"])
        #expect(headers["X-ONE"] == "1")
        #expect(headers.values(for: "x-one") == ["1", "2"])
        #expect(headers["accept"] == "image/png")
        #expect(headers["missing"] == nil)
    }

    @Test func missingHostOnHTTP11IsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n").rejection == Rejection(.missingHost, 400))
    }

    @Test func hostIsOptionalOnHTTP10() {
        #expect(parse("GET / HTTP/1.0\r\n\r\n").only?.head.version == .http1_0)
    }

    @Test func duplicateHostIsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n").rejection == Rejection(.duplicateHost, 400))
        #expect(parse("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n").rejection == Rejection(.duplicateHost, 400))
    }

    @Test func invalidHostValueIsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n").rejection == Rejection(.invalidHost, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n").rejection == Rejection(.invalidHost, 400))
    }

    @Test func spaceBeforeColonIsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n").rejection == Rejection(.whitespaceBeforeColon, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 0\r\n\r\n").rejection == Rejection(.whitespaceBeforeColon, 400))
    }

    @Test func obsoleteLineFoldingIsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n").rejection == Rejection(.obsoleteLineFolding, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n\ttwo\r\n\r\n").rejection == Rejection(.obsoleteLineFolding, 400))
    }

    @Test func whitespaceBeforeFirstHeaderIsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\n Host: a\r\n\r\n").rejection == Rejection(.whitespaceBeforeFirstField, 400))
    }

    @Test func bareCRInHeaderValueIsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n").rejection == Rejection(.bareCR, 400))
    }

    @Test func nulInHeaderValueIsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{0}c\r\n\r\n").rejection == Rejection(.invalidFieldValue, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{1B}c\r\n\r\n").rejection == Rejection(.invalidFieldValue, 400))
    }

    @Test func obsTextInHeaderValueIsAccepted() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u{E9}\r\n\r\n").only?.head.headers["X-Name"] == "caf\u{E9}")
    }

    @Test func invalidCharacterInHeaderNameIsBadRequest() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n").rejection == Rejection(.invalidFieldName, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nX@A: b\r\n\r\n").rejection == Rejection(.invalidFieldName, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n").rejection == Rejection(.invalidFieldName, 400))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n").rejection == Rejection(.missingColon, 400))
    }

    @Test func headerSectionOverTheCapIs431() {
        var limits = HTTPParserLimits()
        limits.maxHeaderBytes = 100
        let big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "b", count: 120))\r\n\r\n"
        #expect(parse(big, limits: limits).rejection == Rejection(.headerSectionTooLarge, 431))
        let many = "GET / HTTP/1.1\r\nHost: a\r\n" + (0..<10).map { "X-\($0): \(String(repeating: "v", count: 10))\r\n" }.joined() + "\r\n"
        #expect(parse(many, limits: limits).rejection == Rejection(.headerSectionTooLarge, 431))
        // An unterminated field cannot grow past the cap either.
        #expect(run(Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 300)).utf8), limits: limits, chunkSize: 7).rejection == Rejection(.headerSectionTooLarge, 431))
    }

    @Test func tooManyHeaderFieldsIs431() {
        var limits = HTTPParserLimits()
        limits.maxHeaderCount = 5
        let six = "GET / HTTP/1.1\r\nHost: a\r\n" + (1...5).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(parse(six, limits: limits).rejection == Rejection(.tooManyHeaderFields, 431))
        let five = "GET / HTTP/1.1\r\nHost: a\r\n" + (1...4).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(parse(five, limits: limits).error == nil)
    }

    @Test func http11KeepsAliveUnlessConnectionClose() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").only?.head.keepAlive == true)
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").only?.head.keepAlive == false)
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n").only?.head.keepAlive == false)
    }

    @Test func http10KeepsAliveOnlyWhenAsked() {
        #expect(parse("GET / HTTP/1.0\r\n\r\n").only?.head.keepAlive == false)
        #expect(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").only?.head.keepAlive == true)
    }

    @Test func expect100ContinueIsReportedWithTheHeadBeforeTheBody() {
        let head = "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-Continue\r\n\r\n"
        let headOnly = parse(head)
        #expect(headOnly.heads.count == 1)
        #expect(headOnly.heads.first?.expectsContinue == true)
        #expect(headOnly.messages.isEmpty)
        #expect(parse(head + "hello").only?.bodyText == "hello")
    }

    @Test func expect100ContinueIsIgnoredOnHTTP10() {
        #expect(parse("POST / HTTP/1.0\r\nContent-Length: 1\r\nExpect: 100-continue\r\n\r\nx").only?.head.expectsContinue == false)
    }

    @Test func unknownExpectationIs417() {
        #expect(parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n").rejection == Rejection(.unsupportedExpectation, 417))
    }
}
