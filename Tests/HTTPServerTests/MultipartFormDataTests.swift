import Testing
@testable import HTTPServer

@Suite struct MultipartFormDataTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func parsesPartsWithNamesFilenamesAndTypes() throws {
        let body = "--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"image\"; filename=\"photo; 1.jpg\"\r\n"
            + "Content-Type: image/jpeg\r\n\r\n"
            + "\u{FF}JPEGDATA\r\n--not-the-boundary\r\n"
            + "\r\n--XyZ\r\n"
            + "Content-Disposition: form-data; name=format\r\n\r\n"
            + "json\r\n--XyZ--\r\n"
        let parts = try MultipartFormData.parse(bytes(body), contentType: "multipart/form-data; boundary=XyZ")
        #expect(parts.count == 2)
        #expect(parts[0].name == "image")
        #expect(parts[0].filename == "photo; 1.jpg")
        #expect(parts[0].contentType == "image/jpeg")
        #expect(parts[0].body == bytes("\u{FF}JPEGDATA\r\n--not-the-boundary\r\n"))
        #expect(parts[1].name == "format")
        #expect(parts[1].filename == nil)
        #expect(parts[1].contentType == nil)
        #expect(parts[1].body == bytes("json"))
    }

    @Test func readsQuotedBoundaryAndSkipsPreambleAndEpilogue() throws {
        let body = "preamble text\r\n--a b:c\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--a b:c--\r\nepilogue"
        let parts = try MultipartFormData.parse(bytes(body), contentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"")
        #expect(parts.map(\.body) == [bytes("1")])
    }

    @Test func partWithoutHeadersAndEmptyBodyIsKept() throws {
        let parts = try MultipartFormData.parse(bytes("--b\r\n\r\n\r\n--b--"), contentType: "multipart/form-data; boundary=b")
        #expect(parts.count == 1)
        #expect(parts[0].body.isEmpty)
        #expect(parts[0].headers.count == 0)
    }

    @Test func missingBoundaryParameterIsRejected() {
        #expect(throws: MultipartError.missingBoundary) {
            try MultipartFormData.parse(bytes("--b\r\n\r\nx\r\n--b--"), contentType: "multipart/form-data")
        }
        #expect(MultipartError.missingBoundary.status == 400)
    }

    @Test func boundaryLongerThan70CharactersIsRejected() {
        let long = String(repeating: "b", count: 71)
        #expect(throws: MultipartError.invalidBoundary) {
            try MultipartFormData.parse([], contentType: "multipart/form-data; boundary=\(long)")
        }
    }

    @Test func bodyWithoutItsBoundaryIsRejected() {
        #expect(throws: MultipartError.noParts) {
            try MultipartFormData.parse(bytes("just some bytes"), contentType: "multipart/form-data; boundary=b")
        }
    }

    @Test func unterminatedBodyIsRejected() {
        let contentType = "multipart/form-data; boundary=b"
        #expect(throws: MultipartError.unterminated) {
            try MultipartFormData.parse(bytes("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nno end"), contentType: contentType)
        }
        #expect(throws: MultipartError.unterminated) {
            try MultipartFormData.parse(bytes("--b\r\nContent-Disposition: form-data; name=x\r\n"), contentType: contentType)
        }
        #expect(throws: MultipartError.unterminated) {
            try MultipartFormData.parse(bytes("--b\r\n\r\nx\r\n--b"), contentType: contentType)
        }
    }

    @Test func wrongContentTypeIs415() {
        #expect(throws: MultipartError.notMultipartFormData) {
            try MultipartFormData.parse(bytes("--b--"), contentType: "multipart/mixed; boundary=b")
        }
        #expect(MultipartError.notMultipartFormData.status == 415)
    }

    @Test func tooManyPartsIsRejected() {
        let body = String(repeating: "--b\r\n\r\nx\r\n", count: 5) + "--b--"
        #expect(throws: MultipartError.tooManyParts(limit: 4)) {
            try MultipartFormData.parse(bytes(body), contentType: "multipart/form-data; boundary=b", limits: .init(maxParts: 4))
        }
        #expect(MultipartError.tooManyParts(limit: 4).status == 413)
    }

    @Test func oversizedPartIsRejected() {
        let body = "--b\r\n\r\n" + String(repeating: "x", count: 11) + "\r\n--b--"
        #expect(throws: MultipartError.partTooLarge(limit: 10)) {
            try MultipartFormData.parse(bytes(body), contentType: "multipart/form-data; boundary=b", limits: .init(maxPartBytes: 10))
        }
        #expect(throws: Never.self) {
            try MultipartFormData.parse(bytes("--b\r\n\r\n0123456789\r\n--b--"), contentType: "multipart/form-data; boundary=b",
                                        limits: .init(maxPartBytes: 10))
        }
    }

    @Test func malformedPartHeadersAreRejected() {
        #expect(throws: MultipartError.malformedPartHeaders) {
            try MultipartFormData.parse(bytes("--b\r\nNo colon here\r\n\r\nx\r\n--b--"), contentType: "multipart/form-data; boundary=b")
        }
        #expect(throws: MultipartError.malformedPartHeaders) {
            try MultipartFormData.parse(bytes("--bjunk\r\n\r\nx\r\n--b--"), contentType: "multipart/form-data; boundary=b")
        }
    }

    @Test func truncatedInputsNeverCrash() {
        // Every prefix of a valid body is either parsed or refused with an error.
        let body = bytes("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--b--\r\n")
        for length in 0...body.count {
            _ = try? MultipartFormData.parse(Array(body.prefix(length)), contentType: "multipart/form-data; boundary=b")
        }
        #expect(throws: Never.self) { try MultipartFormData.parse(body, contentType: "multipart/form-data; boundary=b") }
    }
}
