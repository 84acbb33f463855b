import Testing
@testable import HTTPServer
import TestSupport

/// Seeded random mutations of valid requests: the parser must never trap, must agree with itself
/// however the bytes are split, and must never emit a message after an error.
@Suite struct ParserRobustnessTests {
    static let seeds: [[UInt8]] = [
        "GET /a?b=c HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
        "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: v\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n",
    ].map { Array($0.utf8) }

    static let interesting: [UInt8] = [0, 9, 10, 13, 32, 44, 48, 58, 59, 70, 102, 127, 128, 255]

    @Test func mutatedRequestsNeverTrapAndParseTheSameInAnySplit() {
        var random = SplitMix64(state: 2014)
        var limits = HTTPParserLimits()
        limits.maxBodyBytes = 64
        limits.maxHeaderBytes = 256
        for _ in 0..<1500 {
            var bytes = Self.seeds.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[position] = Self.interesting.randomElement(using: &random)!
                case 1: bytes.insert(Self.interesting.randomElement(using: &random)!, at: position)
                case 2: bytes.remove(at: position)
                default: bytes[position] = UInt8.random(in: 0...255, using: &random)
                }
                if bytes.isEmpty { bytes = [13] }
            }
            let whole = run(bytes, limits: limits, chunkSize: bytes.count)
            let split = run(bytes, limits: limits, chunkSize: Int.random(in: 1...7, using: &random))
            #expect(whole == split, "mutated input: \(bytes)")
            for message in whole.messages {
                #expect(message.body.count <= limits.maxBodyBytes)
            }
        }
    }
}
