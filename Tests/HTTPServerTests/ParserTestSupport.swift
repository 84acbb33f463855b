import Testing
@testable import HTTPServer

/// What a parser made of some bytes: the complete messages in order, then the error that stopped it.
struct ParseOutcome: Equatable {
    var heads: [HTTPRequestHead] = []
    var messages: [Message] = []
    var error: HTTPParseError?

    struct Message: Equatable {
        var head: HTTPRequestHead
        var body: [UInt8]
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    var status: Int? { error?.status }
    /// The rule that stopped the parser and the status it is answered with.
    var rejection: Rejection? { error.map { Rejection($0.kind, $0.status) } }
    var only: Message? { messages.count == 1 ? messages[0] : nil }
}

/// Which rule a parser error names and the status it is answered with, compared together so a
/// test says both: `#expect(parse(...).rejection == Rejection(.obsoleteLineFolding, 400))`.
struct Rejection: Equatable, Sendable, CustomStringConvertible {
    var kind: HTTPParseError.Kind
    var status: Int

    init(_ kind: HTTPParseError.Kind, _ status: Int) {
        self.kind = kind
        self.status = status
    }

    var description: String { "\(kind) (\(status))" }
}

/// Feeds `text` to a fresh parser in `chunkSize`-byte pieces, pulling events after each piece.
func run(_ bytes: [UInt8], limits: HTTPParserLimits, chunkSize: Int) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = ParseOutcome()
    var offset = 0
    repeat {
        let end = min(bytes.count, offset + chunkSize)
        parser.append(bytes[offset..<end])
        offset = end
        do {
            while let event = try parser.next() {
                switch event {
                case .head(let head): outcome.heads.append(head)
                case .message(let head, let body): outcome.messages.append(.init(head: head, body: body))
                }
            }
        } catch {
            outcome.error = error
            return outcome
        }
    } while offset < bytes.count
    return outcome
}

/// Parses `text` whole and byte by byte; both must agree (the parser is incremental).
func parse(_ text: String, limits: HTTPParserLimits = HTTPParserLimits(),
           sourceLocation: SourceLocation = #_sourceLocation) -> ParseOutcome {
    parse(bytes: Array(text.utf8), limits: limits, sourceLocation: sourceLocation)
}

func parse(bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits(),
           sourceLocation: SourceLocation = #_sourceLocation) -> ParseOutcome {
    let whole = run(bytes, limits: limits, chunkSize: max(bytes.count, 1))
    let byteWise = run(bytes, limits: limits, chunkSize: 1)
    #expect(whole == byteWise, "whole and byte-by-byte parsing disagree", sourceLocation: sourceLocation)
    return whole
}
