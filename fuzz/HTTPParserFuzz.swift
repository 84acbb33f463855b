// libFuzzer target: the HTTP request parser (HTTPServer/Parsing) and the multipart/form-data parser
// behind it, built by scripts/fuzz.sh into one module with the HTTPServer sources. The first input
// byte picks a split point; the rest is fed whole and in two pieces. Beyond "never traps", it
// checks the parser's own promises: both feeds give the same messages and error, no body exceeds
// the cap, nothing follows an error. Each message with a Content-Type goes through the multipart
// parser, whose parts must stay within its limits.

/// Everything the parser produced for one feeding of the bytes.
private struct FuzzOutcome: Equatable {
    var events: [HTTPParserEvent] = []
    var error: HTTPParseError?
}

private let fuzzLimits: HTTPParserLimits = {
    var limits = HTTPParserLimits()
    limits.maxTargetLength = 256
    limits.maxHeaderBytes = 1024
    limits.maxHeaderCount = 16
    limits.maxBodyBytes = 4096
    limits.maxChunkLineBytes = 64
    limits.maxTrailerBytes = 256
    return limits
}()

private let multipartLimits = MultipartFormData.Limits(maxParts: 4, maxPartBytes: 512, maxPartHeaderBytes: 256)

private func feed(_ pieces: [ArraySlice<UInt8>]) -> FuzzOutcome {
    var parser = HTTPRequestParser(limits: fuzzLimits)
    var outcome = FuzzOutcome()
    for piece in pieces {
        parser.append(piece)
        do {
            while let event = try parser.next() { outcome.events.append(event) }
        } catch {
            outcome.error = error
            // A failed parser stays failed, whatever arrives next.
            parser.append([0x47, 0x45, 0x54])
            do { _ = try parser.next(); fatalError("parser recovered after \(error)") } catch let again {
                if again != error { fatalError("parser changed its error: \(error) then \(again)") }
            }
            return outcome
        }
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func httpParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let split = bytes.isEmpty ? 0 : Int(data[0]) % (bytes.count + 1)
    let whole = feed([bytes[...]])
    let twoPieces = feed([bytes[..<split], bytes[split...]])
    if whole != twoPieces { fatalError("split at \(split) changed the outcome: \(whole) vs \(twoPieces)") }
    for event in whole.events {
        if case .message(let head, let body) = event {
            if body.count > fuzzLimits.maxBodyBytes { fatalError("body over the cap: \(body.count)") }
            if case .contentLength(let length) = head.framing, length != body.count {
                fatalError("Content-Length \(length) but body of \(body.count)")
            }
            if let contentType = head.headers["Content-Type"],
               let parts = try? MultipartFormData.parse(body, contentType: contentType, limits: multipartLimits) {
                if parts.count > multipartLimits.maxParts { fatalError("\(parts.count) parts") }
                for part in parts where part.body.count > multipartLimits.maxPartBytes {
                    fatalError("part of \(part.body.count) bytes")
                }
            }
        }
    }
    if let error = whole.error, !(400...599).contains(error.status) { fatalError("status \(error.status)") }
    return 0
}
