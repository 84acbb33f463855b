import Foundation
import Testing
@testable import DepthService

/// Parses with Foundation's independent JSON parser, so the serialiser is checked against another reader.
private func parse(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
}

@Suite("JSONValue and ProblemDetails")
struct ProblemDetailsTests {
    @Test func stringEscapingCoversQuotesBackslashesAndControlCharacters() {
        let value = JSONValue.string("a\"b\\c\nd\re\tf\u{08}\u{0C}\u{01}\u{1F}é/😀")
        #expect(value.serialized == #""a\"b\\c\nd\re\tf\b\f\u0001\u001fé/😀""#)
    }

    @Test func escapedStringsRoundTripThroughFoundation() throws {
        let nasty = "quote\" back\\slash \u{00} nul\u{7F} line\u{2028}sep </script>"
        let text = JSONValue.object([("s", .string(nasty))]).serialized
        #expect(try parse(text)["s"] as? String == nasty)
    }

    @Test func numbersAreValidJSONAndNonFiniteBecomesNull() throws {
        let value: JSONValue = [.number(1.0), .number(-0.25), .number(1e-7), .number(.infinity), .number(.nan), .integer(-3)]
        #expect(value.serialized == "[1,-0.25,1e-07,null,null,-3]")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(value.serialized.utf8)) as? [Any])
        #expect(parsed.count == 6)
    }

    @Test func objectMembersKeepTheirOrder() {
        let value = JSONValue.object([("z", 1), ("a", [true, nil]), ("m", .object([]))])
        #expect(value.serialized == #"{"z":1,"a":[true,null],"m":{}}"#)
    }

    @Test func problemCarriesStandardMembersFirstThenExtensions() {
        let problem = ProblemDetails.bodyTooLarge(limit: 1024, received: 4096)
        #expect(problem.json.serialized == """
            {"type":"tag:depthd,2026:problems/body-too-large","title":"Request body too large","status":413,\
            "detail":"4096 bytes exceeds the limit of 1024 bytes.","limit":1024,"unit":"bytes","received":4096}
            """)
    }

    @Test func problemWithQuotesInDetailIsStillValidJSON() throws {
        var problem = ProblemDetails.undecodableImage("truncated JPEG: \"premature end\"\nat byte 17")
        problem.instance = "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"
        let parsed = try parse(String(decoding: problem.body, as: UTF8.self))
        #expect(parsed["status"] as? Int == 400)
        #expect(parsed["detail"] as? String == "truncated JPEG: \"premature end\"\nat byte 17")
        #expect(parsed["instance"] as? String == "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427")
        #expect(parsed["type"] as? String == "tag:depthd,2026:problems/undecodable-image")
    }

    @Test func extensionsCannotOverrideStandardMembers() throws {
        let problem = ProblemDetails(title: "Not Found", status: 404, extensions: [("status", 200), ("hint", "x")])
        let parsed = try parse(problem.json.serialized)
        #expect(parsed["status"] as? Int == 404)
        #expect(parsed["hint"] as? String == "x")
        #expect(parsed["type"] as? String == "about:blank")
        #expect(parsed["detail"] == nil, "absent members are omitted, not null")
    }

    @Test func unsupportedMediaTypeListsWhatIsSupported() throws {
        let supported = ["image/jpeg", "image/png", "application/octet-stream", "multipart/form-data"]
        let problem = ProblemDetails.unsupportedMediaType(received: "text/plain", supported: supported)
        let parsed = try parse(problem.json.serialized)
        #expect(parsed["status"] as? Int == 415)
        #expect(parsed["supported"] as? [String] == supported)
        #expect((parsed["detail"] as? String)?.contains("text/plain") == true)
    }

    @Test func overloadedAndMethodNotAllowedCarryWhatTheClientNeeds() throws {
        let overloaded = try parse(ProblemDetails.overloaded(retryAfterSeconds: 2).json.serialized)
        #expect(overloaded["status"] as? Int == 503)
        #expect(overloaded["retry_after"] as? Int == 2)
        let notAllowed = try parse(ProblemDetails.methodNotAllowed(method: "GET", path: "/v1/depth", allowed: ["POST"]).json.serialized)
        #expect(notAllowed["status"] as? Int == 405)
        #expect(notAllowed["allow"] as? [String] == ["POST"])
    }

    @Test func imageTooLargeStatesThePixelLimit() throws {
        let parsed = try parse(ProblemDetails.imageTooLarge(width: 10000, height: 5000, limit: 40_000_000).json.serialized)
        #expect(parsed["limit"] as? Int == 40_000_000)
        #expect(parsed["unit"] as? String == "pixels")
        #expect((parsed["detail"] as? String)?.contains("50000000 pixels") == true)
    }
}
