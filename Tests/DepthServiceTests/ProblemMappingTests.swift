import Foundation
import HTTPServer
import Testing
@testable import DepthService

/// Which error becomes which problem, and how a problem becomes a response (HTTP/ProblemMapping.swift,
/// HTTP/ProblemResponse.swift).
@Suite struct ProblemMappingTests {
    static let multipartErrors: [MultipartError] = [
        .notMultipartFormData, .missingBoundary, .invalidBoundary, .noParts, .unterminated, .malformedPartHeaders,
        .tooManyParts(limit: 16), .partTooLarge(limit: 1024),
    ]

    /// One status per multipart error everywhere: the problem's is the parser's own.
    @Test func everyMultipartErrorKeepsTheParserStatus() {
        for error in Self.multipartErrors {
            let problem = ProblemDetails.forMultipartError(error, contentType: "multipart/form-data; boundary=x")
            #expect(problem.status == error.status, "\(error)")
        }
    }

    /// Too many parts is a size limit like too many bytes (413), not a malformed request (400).
    @Test func tooManyPartsIs413StatingTheLimitInParts() throws {
        let problem = ProblemDetails.forMultipartError(.tooManyParts(limit: 16), contentType: "multipart/form-data")
        #expect(problem.status == 413)
        #expect(problem.type == "tag:depthd,2026:problems/too-many-parts")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(problem.body)) as? [String: Any])
        #expect(body["limit"] as? Int == 16)
        #expect(body["unit"] as? String == "parts")
    }

    /// Retry-After is the problem's own: every 503 the service sends carries the one value, and the
    /// overloaded problem's body states the same seconds; nothing else carries it.
    @Test func retryAfterTravelsWithTheProblem() throws {
        let unavailable: [ProblemDetails] = [
            .overloaded(), .notReady("x"), .queueTimeout(seconds: 30),
            try #require(ProblemDetails.forModelPoolError(.overloaded, queueTimeout: .seconds(30))),
            try #require(ProblemDetails.forModelPoolError(.shuttingDown, queueTimeout: .seconds(30))),
            try #require(ProblemDetails.forModelPoolError(.deadlineExceeded, queueTimeout: .seconds(30))),
        ]
        for problem in unavailable {
            let response = problem.response(requestID: nil)
            #expect(response.status == 503)
            #expect(response.headers["Retry-After"] == String(ProblemDetails.retryAfterSeconds), "\(problem.type)")
        }
        let overloaded = try #require(try JSONSerialization.jsonObject(with: Data(ProblemDetails.overloaded().body)) as? [String: Any])
        #expect(overloaded["retry_after"] as? Int == ProblemDetails.retryAfterSeconds)
        for problem in [ProblemDetails.badRequest("x"), .internalError(), .bodyTooLarge(limit: 1, received: nil),
                        .notFound(path: "/x")] {
            #expect(problem.response(requestID: nil).headers["Retry-After"] == nil, "\(problem.status)")
        }
    }

    /// The pool's internal failures are no client's problem: they stay errors (answered 500).
    @Test func poolFailuresInsideTheServiceAreNotProblems() {
        #expect(ProblemDetails.forModelPoolError(.batchSizeMismatch(inputs: 1, outputs: 2), queueTimeout: .seconds(1)) == nil)
        #expect(ProblemDetails.forModelPoolError(.workerStartFailed(worker: 0, reason: "x"), queueTimeout: .seconds(1)) == nil)
    }

    /// A problem's response: its status, problem+json, no-store, the request id as `instance`;
    /// a 405's `Allow` is left to the router, which sets it from its routes.
    @Test func aProblemBecomesAResponseInOneWay() throws {
        let response = ProblemDetails.methodNotAllowed(method: "GET", path: "/v1/depth", allowed: ["OPTIONS", "POST"])
            .response(requestID: "abc-123")
        #expect(response.status == 405)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Allow"] == nil)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(body["instance"] as? String == "request/abc-123")
        #expect(body["allow"] as? [String] == ["OPTIONS", "POST"])
    }
}
