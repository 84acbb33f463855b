import Testing
@testable import HTTPServer

/// Inputs found by the libFuzzer targets (scripts/fuzz.sh, fuzz/), each kept as a literal so the
/// defect it exposed stays fixed.
@Suite struct FuzzRegressionTests {
    /// Found by http-parser fuzzing: an overlong line ending in a bare LF was "bare LF" when read
    /// whole but "too long" when the cap was crossed before the LF arrived. The outcome must not
    /// depend on how the bytes are split: overlong wins in both.
    @Test(arguments: [
        // Chunk-size line with a long extension, ended by a bare LF.
        ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n24;" + String(repeating: "0", count: 80) + "\n",
         Rejection(.chunkLineTooLong, 400)),
        // Header line over the header cap, ended by a bare LF.
        ("GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "h", count: 300) + "\n", Rejection(.headerSectionTooLarge, 431)),
        // Request line over its cap, ended by a bare LF: a method and a space came first, so the target is too long.
        ("GET /" + String(repeating: "a", count: 400) + " HTTP/1.1\n", Rejection(.targetTooLong, 414)),
    ])
    func overlongLineEndingInBareLFFailsTheSameWayInAnySplit(_ text: String, _ expected: Rejection) {
        var limits = HTTPParserLimits()
        limits.maxChunkLineBytes = 64
        limits.maxHeaderBytes = 256
        limits.maxTargetLength = 256
        let bytes = Array(text.utf8)
        let whole = run(bytes, limits: limits, chunkSize: bytes.count)
        #expect(whole.rejection == expected, "the cap is crossed before the LF, so never bareLF")
        for split in 1..<bytes.count {
            var parser = HTTPRequestParser(limits: limits)
            var outcome = ParseOutcome()
            for piece in [bytes[..<split], bytes[split...]] {
                parser.append(piece)
                do {
                    while let event = try parser.next() {
                        if case .head(let head) = event { outcome.heads.append(head) }
                    }
                } catch {
                    outcome.error = error
                    break
                }
            }
            #expect(outcome.error == whole.error, "split at \(split)")
        }
    }
}
