import Testing
@testable import HTTPServer

@Suite struct ParserBodyTests {
    private func post(_ headers: String, _ body: String = "") -> String {
        "POST /up HTTP/1.1\r\nHost: a\r\n\(headers)\r\n\(body)"
    }

    @Test func readsContentLengthBody() {
        let message = parse(post("Content-Length: 11\r\n", "hello world")).only
        #expect(message?.bodyText == "hello world")
        #expect(message?.head.framing == .contentLength(11))
    }

    @Test func zeroContentLengthHasNoBody() {
        #expect(parse(post("Content-Length: 0\r\n")).only?.body == [])
    }

    @Test func contentLengthWithTransferEncodingIsBadRequest() {
        #expect(parse(post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")).rejection == Rejection(.contentLengthWithTransferEncoding, 400))
        #expect(parse(post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n")).rejection == Rejection(.contentLengthWithTransferEncoding, 400))
    }

    @Test func differingDuplicateContentLengthIsBadRequest() {
        #expect(parse(post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!")).rejection == Rejection(.conflictingContentLength, 400))
        #expect(parse(post("Content-Length: 5, 6\r\n", "hello!")).rejection == Rejection(.conflictingContentLength, 400))
    }

    @Test func identicalDuplicateContentLengthIsAccepted() {
        #expect(parse(post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello")).only?.bodyText == "hello")
        #expect(parse(post("Content-Length: 5, 5\r\n", "hello")).only?.bodyText == "hello")
    }

    @Test(arguments: ["+1", "0x1", "-1", "1.0", "1 1", "", "12345678901234567890", "00000000000000000001", "99999999999999999999999", "1a"])
    func contentLengthThatIsNotPlainDigitsIsBadRequest(value: String) {
        #expect(parse(post("Content-Length: \(value)\r\n", "x")).rejection == Rejection(.invalidContentLength, 400))
    }

    @Test func contentLengthOverTheCapIs413BeforeTheBodyArrives() {
        var limits = HTTPParserLimits()
        limits.maxBodyBytes = 10
        // Only the head is fed: the decision cannot depend on reading the body.
        let outcome = parse(post("Content-Length: 11\r\n"), limits: limits)
        #expect(outcome.rejection == Rejection(.bodyTooLarge, 413))
        #expect(parse(post("Content-Length: 10\r\n", "0123456789"), limits: limits).only?.body.count == 10)
        #expect(parse(post("Content-Length: 9223372036854775807\r\n"), limits: limits).rejection == Rejection(.bodyTooLarge, 413))
    }

    @Test func decodesChunkedBodyWithExtensionsAndTrailers() {
        let body = "5\r\nhello\r\n9;name=value;flag\r\n, chunked\r\n0 ; last\r\nX-Trailer: t\r\n\r\n"
        let message = parse(post("Transfer-Encoding: chunked\r\n", body)).only
        #expect(message?.bodyText == "hello, chunked")
        #expect(message?.head.framing == .chunked)
    }

    @Test func transferEncodingIsCaseInsensitive() {
        #expect(parse(post("Transfer-Encoding: Chunked\r\n", "1\r\nx\r\n0\r\n\r\n")).only?.bodyText == "x")
    }

    @Test func chunkSizeNotHexIsBadRequest() {
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n")).rejection == Rejection(.invalidChunkSize, 400))
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "0x5\r\nhello\r\n0\r\n\r\n")).rejection == Rejection(.invalidChunkSize, 400))
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "\r\nhello\r\n0\r\n\r\n")).rejection == Rejection(.invalidChunkSize, 400))
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "-5\r\nhello\r\n0\r\n\r\n")).rejection == Rejection(.invalidChunkSize, 400))
    }

    @Test func chunkSizeOverflowIsBadRequest() {
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "10000000000000000\r\nx\r\n")).rejection == Rejection(.chunkSizeOverflow, 400))
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "ffffffffffffffffffff\r\nx\r\n")).rejection == Rejection(.chunkSizeOverflow, 400))
    }

    @Test func chunkDataLongerThanDeclaredIsBadRequest() {
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "3\r\nhello\r\n0\r\n\r\n")).rejection == Rejection(.chunkDataLongerThanSize, 400))
    }

    @Test func bareLFInChunkedFramingIsBadRequest() {
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "5\nhello\r\n0\r\n\r\n")).rejection == Rejection(.bareLF, 400))
        // After chunk data only CRLF may follow: an LF there is data past the declared size.
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "5\r\nhello\n0\r\n\r\n")).rejection == Rejection(.chunkDataLongerThanSize, 400))
    }

    @Test func chunkExtensionsBeyondTheCapAreRejected() {
        var limits = HTTPParserLimits()
        limits.maxChunkLineBytes = 32
        let ext = "5;" + String(repeating: "e", count: 40) + "\r\nhello\r\n0\r\n\r\n"
        #expect(parse(post("Transfer-Encoding: chunked\r\n", ext), limits: limits).rejection == Rejection(.chunkLineTooLong, 400))
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "5;e\u{1}\r\nhello\r\n0\r\n\r\n")).rejection == Rejection(.invalidChunkExtension, 400))
    }

    @Test func trailersBeyondTheCapAre431() {
        var limits = HTTPParserLimits()
        limits.maxTrailerBytes = 32
        let trailers = "0\r\nX-T: \(String(repeating: "t", count: 40))\r\n\r\n"
        #expect(parse(post("Transfer-Encoding: chunked\r\n", trailers), limits: limits).rejection == Rejection(.trailerSectionTooLarge, 431))
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "0\r\nBad Name: x\r\n\r\n")).rejection == Rejection(.invalidFieldName, 400))
    }

    @Test func chunkedTotalOverTheCapIs413() {
        var limits = HTTPParserLimits()
        limits.maxBodyBytes = 8
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"), limits: limits).rejection == Rejection(.bodyTooLarge, 413))
        // Refused from the chunk size alone, before its data arrives.
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "9\r\n"), limits: limits).rejection == Rejection(.bodyTooLarge, 413))
        #expect(parse(post("Transfer-Encoding: chunked\r\n", "4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n"), limits: limits).only?.body.count == 8)
    }

    @Test func unknownTransferCodingIs501() {
        #expect(parse(post("Transfer-Encoding: frobnicate\r\n", "0\r\n\r\n")).rejection == Rejection(.unknownTransferCoding, 501))
        #expect(parse(post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n")).rejection == Rejection(.transferCodingNotImplemented, 501))
    }

    @Test func chunkedNotLastIsBadRequest() {
        #expect(parse(post("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n")).rejection == Rejection(.chunkedNotFinal, 400))
        #expect(parse(post("Transfer-Encoding: gzip\r\n", "x")).rejection == Rejection(.chunkedNotFinal, 400))
    }

    @Test func chunkedTwiceIsBadRequest() {
        #expect(parse(post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n")).rejection == Rejection(.chunkedAppliedTwice, 400))
        #expect(parse(post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")).rejection == Rejection(.chunkedAppliedTwice, 400))
    }

    @Test func emptyTransferCodingIsBadRequest() {
        #expect(parse(post("Transfer-Encoding: \r\n", "0\r\n\r\n")).rejection == Rejection(.emptyTransferCoding, 400))
        #expect(parse(post("Transfer-Encoding: ,chunked\r\n", "0\r\n\r\n")).rejection == Rejection(.emptyTransferCoding, 400))
    }

    @Test func transferEncodingOnHTTP10IsBadRequest() {
        #expect(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").rejection == Rejection(.transferEncodingInHTTP10, 400))
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let bytes = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
            + "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
            + "POST /three HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
            + "GET /four HTTP/1.1\r\nHost: a\r\n\r\n"
        let outcome = parse(bytes)
        #expect(outcome.error == nil)
        #expect(outcome.messages.map(\.head.path) == ["/one", "/two", "/three", "/four"])
        #expect(outcome.messages.map(\.bodyText) == ["", "abc", "de", ""])
        #expect(outcome.heads.map(\.path) == ["/one", "/two", "/three", "/four"])
    }

    @Test func errorInALaterPipelinedRequestKeepsTheEarlierOnes() {
        let outcome = parse("GET /ok HTTP/1.1\r\nHost: a\r\n\r\nGET /bad HTTP/1.1\r\n\r\n")
        #expect(outcome.messages.map(\.head.path) == ["/ok"])
        #expect(outcome.rejection == Rejection(.missingHost, 400))
    }

    @Test func smugglingAttemptWithBothFramingsIsRefusedNotSplit() {
        // CL.TE: a proxy honouring Content-Length and one honouring chunked would disagree here.
        let outcome = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nSMUGGLED")
        #expect(outcome.messages.isEmpty)
        #expect(outcome.rejection == Rejection(.contentLengthWithTransferEncoding, 400))
    }
}
