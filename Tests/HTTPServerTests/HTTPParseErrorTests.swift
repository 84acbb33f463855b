import Testing
@testable import HTTPServer

@Suite struct HTTPParseErrorTests {
    /// The statuses a parse error can be answered with, and which rules lead to each: the table
    /// `HTTPParseError.Kind.status` owns, read back case by case.
    static let statuses: [Int: Set<HTTPParseError.Kind>] = [
        408: [.requestTimeout],
        413: [.bodyTooLarge],
        414: [.targetTooLong],
        417: [.unsupportedExpectation],
        431: [.headerSectionTooLarge, .tooManyHeaderFields, .trailerSectionTooLarge],
        501: [.methodNotImplemented, .unknownTransferCoding, .transferCodingNotImplemented],
        505: [.unsupportedVersion],
    ]

    @Test func everyRuleNotListedForAnotherStatusIsABadRequest() {
        for kind in HTTPParseError.Kind.allCases {
            let expected = Self.statuses.first { $0.value.contains(kind) }?.key ?? 400
            #expect(kind.status == expected, "\(kind)")
        }
    }

    @Test func theErrorsStatusAndDescriptionFollowFromItsKind() {
        let error = HTTPParseError(.targetTooLong, "request target longer than 8192 bytes")
        #expect(error.status == 414)
        #expect(error.description == "414 URI Too Long: request target longer than 8192 bytes")
        #expect(error != HTTPParseError(.requestLineTooLong, "request target longer than 8192 bytes"))
    }

    @Test func everyStatusHasAReasonPhrase() {
        for kind in HTTPParseError.Kind.allCases {
            #expect(HTTPStatus.reasonPhrase(kind.status) != "Unknown", "\(kind)")
        }
    }

    /// The raw value is what http-parse-probe prints and logs show: the case's own name.
    @Test func rawValueIsTheCaseName() {
        for kind in HTTPParseError.Kind.allCases {
            #expect(kind.rawValue == "\(kind)")
        }
        #expect(HTTPParseError.Kind(rawValue: "obsoleteLineFolding") == .obsoleteLineFolding)
    }

    @Test func defaultRejectionResponseCarriesTheStatusAndTheReason() {
        let response = HTTPResponse(rejecting: HTTPParseError(.obsoleteLineFolding, "obsolete line folding (obs-fold) is not accepted"))
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(String(decoding: response.body, as: UTF8.self) == "obsolete line folding (obs-fold) is not accepted\n")
    }
}
