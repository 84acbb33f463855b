import Foundation
import Testing
@testable import DepthService

@Suite("Depth request options, request ids, Server-Timing")
struct RequestHelpersTests {
    @Test func defaultsArePNG16AtInputSize() throws {
        #expect(try DepthRequestOptions.parse(format: nil, size: nil, accept: nil) == DepthRequestOptions(format: .png16, size: .input))
    }

    @Test func explicitFormatWinsOverAccept() throws {
        let options = try DepthRequestOptions.parse(format: "color", size: "native", accept: "application/json")
        #expect(options == DepthRequestOptions(format: .color, size: .native))
    }

    @Test func acceptSelectsTheFormatWhenNoneIsGiven() throws {
        #expect(try DepthRequestOptions.parse(format: nil, size: nil, accept: "application/json").format == .json)
        #expect(try DepthRequestOptions.parse(format: nil, size: nil, accept: "image/png").format == .png16)
        #expect(try DepthRequestOptions.parse(format: nil, size: nil, accept: "*/*").format == .png16)
        #expect(try DepthRequestOptions.parse(format: nil, size: nil, accept: "text/html, application/xml").format == .png16)
    }

    @Test func acceptQualityValuesAreHonoured() {
        #expect(DepthRequestOptions.negotiate(accept: "image/png;q=0.5, application/json;q=0.9") == .json)
        #expect(DepthRequestOptions.negotiate(accept: "Application/JSON; q=0.2 , image/png") == .png16)
        #expect(DepthRequestOptions.negotiate(accept: "application/json;q=0") == .png16, "q=0 means not acceptable")
        #expect(DepthRequestOptions.negotiate(accept: "application/json;q=abc") == .json, "a malformed q falls back to 1")
        #expect(DepthRequestOptions.negotiate(accept: ",,;") == .png16)
    }

    @Test func unknownValuesAreRefusedNamingTheParameterAndTheChoices() {
        do {
            _ = try DepthRequestOptions.parse(format: "png8", size: nil, accept: nil)
            Issue.record("png8 was accepted")
        } catch {
            #expect(error.parameter == .format)
            #expect(error.detail == #"Unknown format "png8"; use one of png16, json, color, npy, ply."#)
            #expect(ProblemDetails.forInvalidParameter(error).status == 400)
        }
        do {
            _ = try DepthRequestOptions.parse(format: nil, size: "huge", accept: nil)
            Issue.record("huge was accepted")
        } catch {
            #expect(error.parameter == .size)
            #expect(error.detail == #"Unknown size "huge"; use one of input, native."#)
        }
    }

    @Test func wellFormedIncomingRequestIDIsKept() {
        #expect(RequestID.resolve(incoming: "req-42_abc.DEF") == "req-42_abc.DEF")
    }

    @Test func unsafeOrMissingRequestIDIsReplacedByAUUID() {
        for bad in [nil, "", "has space", "line\nbreak", "tab\tx", "é", String(repeating: "a", count: 201)] {
            let id = RequestID.resolve(incoming: bad)
            #expect(id != bad)
            #expect(id.count == 36 && id.filter { $0 == "-" }.count == 4, "\(id)")
        }
        #expect(RequestID.resolve(incoming: nil) != RequestID.resolve(incoming: nil))
        #expect(RequestID.resolve(incoming: String(repeating: "a", count: 200)).count == 200)
    }

    @Test func generatedRequestIDsAreVersion4UUIDsThatFoundationParses() throws {
        for _ in 0..<200 {
            let id = RequestID.resolve(incoming: nil)
            let parsed = try #require(UUID(uuidString: id), "\(id)")
            #expect(parsed.uuidString.lowercased() == id)
            let characters = Array(id)
            #expect(characters[14] == "4", "version nibble of \(id)")
            #expect("89ab".contains(characters[19]), "variant nibble of \(id)")
        }
    }

    @Test func serverTimingListsPhasesInMillisecondsWithOneDecimal() {
        var timing = ServerTiming()
        timing.add("decode", .microseconds(4_140))
        timing.add("queue", .zero)
        timing.add("model", .milliseconds(1_038) + .microseconds(550))
        #expect(timing.headerValue == "decode;dur=4.1, queue;dur=0.0, model;dur=1038.6")
        #expect(ServerTiming().headerValue == "")
    }
}
