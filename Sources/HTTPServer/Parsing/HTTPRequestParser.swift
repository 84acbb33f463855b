/// What the parser has found in the bytes fed to it so far.
public enum HTTPParserEvent: Sendable, Hashable {
    /// A complete head; its body (if any) has not necessarily arrived. Emitted once per request,
    /// always before `.message`, so a server can answer `Expect: 100-continue` or reject early.
    case head(HTTPRequestHead)
    /// The whole request: head and de-chunked body.
    case message(HTTPRequestHead, body: [UInt8])
}

/// A pure, incremental HTTP/1.1 request parser (RFC 9112). Feed it bytes with `append`, then call
/// `next()` until it returns nil (needs more bytes). Pipelined requests come out one at a time, in
/// order. Any violation throws `HTTPParseError` naming the rule broken (its `kind`, which decides the
/// status to answer); after that the parser stays failed, because the framing of whatever follows is unknowable.
///
/// Line endings: only CRLF is accepted. A bare LF (RFC 9112 2.2 lets a recipient accept it) or a
/// bare CR is answered 400: accepting LF alone is where parsers start to disagree about where a
/// message ends. Empty lines (CRLF) before a request line are skipped, as RFC 9112 2.2 asks.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPParserLimits

    private var buffer: [UInt8] = []
    /// Index of the first byte not yet consumed.
    private var cursor = 0
    private var state: State = .requestLine(strayLines: 0)
    private var head: HTTPRequestHead?
    private var pending = PendingHead()
    private var body: [UInt8] = []

    private enum State: Sendable {
        case requestLine(strayLines: Int)
        case headerLines(bytes: Int)
        case emitMessage
        case fixedBody(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerLines(bytes: Int)
        case failed(HTTPParseError)
    }

    /// The request line and fields gathered so far for the head being parsed.
    private struct PendingHead: Sendable {
        var method = ""
        var target = ""
        var version = HTTPVersion.http1_1
        var fields: [HTTPField] = []
    }

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// Adds bytes received from the peer.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// True when no request is partly received: no unconsumed bytes and nothing half parsed.
    public var isIdle: Bool {
        if case .requestLine = state, cursor == buffer.count { return true }
        return false
    }

    /// True when bytes are buffered that have not been parsed into an event yet.
    public var hasUnconsumedBytes: Bool { cursor < buffer.count }

    /// How many bytes are buffered that have not been parsed into an event yet.
    public var unconsumedByteCount: Int { buffer.count - cursor }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPParserEvent? {
        if case .failed(let error) = state { throw error }
        do {
            let event = try step()
            compact()
            return event
        } catch {
            state = .failed(error)
            throw error
        }
    }

    // MARK: - State machine

    private mutating func step() throws(HTTPParseError) -> HTTPParserEvent? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .requestLine(let strayLines):
                guard let line = try nextLine(limit: requestLineLimit, kind: .requestLine) else { return nil }
                if line.isEmpty {
                    guard strayLines < 8 else {
                        throw HTTPParseError(.tooManyEmptyLines, "too many empty lines before the request line")
                    }
                    state = .requestLine(strayLines: strayLines + 1)
                    continue
                }
                pending = try parseRequestLine(line)
                state = .headerLines(bytes: 0)
            case .headerLines(let bytes):
                let remaining = limits.maxHeaderBytes - bytes
                guard let line = try nextLine(limit: remaining, kind: .headerField) else { return nil }
                if line.isEmpty {
                    let head = try finishHead()
                    self.head = head
                    body = []
                    switch head.framing {
                    case .none: state = .emitMessage
                    case .contentLength(let length): state = length > 0 ? .fixedBody(remaining: length) : .emitMessage
                    case .chunked: state = .chunkSizeLine
                    }
                    return .head(head)
                }
                guard pending.fields.count < limits.maxHeaderCount else {
                    throw HTTPParseError(.tooManyHeaderFields, "more than \(limits.maxHeaderCount) header fields")
                }
                pending.fields.append(try parseFieldLine(line, isFirst: pending.fields.isEmpty))
                state = .headerLines(bytes: bytes + line.count + 2)
            case .emitMessage:
                return finishMessage()
            case .fixedBody(let remaining):
                let available = min(remaining, buffer.count - cursor)
                guard available > 0 else { return nil }
                body.append(contentsOf: buffer[cursor..<cursor + available])
                cursor += available
                if available == remaining { return finishMessage() }
                state = .fixedBody(remaining: remaining - available)
            case .chunkSizeLine:
                guard let line = try nextLine(limit: limits.maxChunkLineBytes, kind: .chunkSize) else { return nil }
                let size = try parseChunkSize(line)
                if size == 0 {
                    state = .trailerLines(bytes: 0)
                } else {
                    guard size <= limits.maxBodyBytes - body.count else {
                        throw HTTPParseError(.bodyTooLarge, "chunked body larger than \(limits.maxBodyBytes) bytes")
                    }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let available = min(remaining, buffer.count - cursor)
                guard available > 0 else { return nil }
                body.append(contentsOf: buffer[cursor..<cursor + available])
                cursor += available
                state = available == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - available)
            case .chunkDataEnd:
                guard buffer.count - cursor >= 2 else {
                    if cursor < buffer.count, buffer[cursor] != ASCII.cr {
                        throw HTTPParseError(.chunkDataLongerThanSize, "chunk data longer than its declared size")
                    }
                    return nil
                }
                guard buffer[cursor] == ASCII.cr, buffer[cursor + 1] == ASCII.lf else {
                    throw HTTPParseError(.chunkDataLongerThanSize, "chunk data longer than its declared size")
                }
                cursor += 2
                state = .chunkSizeLine
            case .trailerLines(let bytes):
                let remaining = limits.maxTrailerBytes - bytes
                guard let line = try nextLine(limit: remaining, kind: .trailerField) else { return nil }
                if line.isEmpty { return finishMessage() }
                // Trailers are validated like header fields, then dropped: nothing here uses them.
                _ = try parseFieldLine(line, isFirst: bytes == 0)
                state = .trailerLines(bytes: bytes + line.count + 2)
            }
        }
    }

    private mutating func finishMessage() -> HTTPParserEvent? {
        guard let head else { return nil }
        self.head = nil
        state = .requestLine(strayLines: 0)
        let message = HTTPParserEvent.message(head, body: body)
        body = []
        return message
    }

    // MARK: - Lines

    private var requestLineLimit: Int { limits.maxTargetLength + Self.maxMethodLength + 12 }
    private static let maxMethodLength = 32

    private enum LineKind { case requestLine, headerField, chunkSize, trailerField }

    private func overlongLine(_ kind: LineKind, _ partial: ArraySlice<UInt8>) -> HTTPParseError {
        switch kind {
        case .requestLine:
            // With a method and a space already seen, the excess is the target's.
            if let space = partial.prefix(Self.maxMethodLength + 1).firstIndex(of: ASCII.space), space > partial.startIndex {
                return HTTPParseError(.targetTooLong, "request target longer than \(limits.maxTargetLength) bytes")
            }
            return HTTPParseError(.requestLineTooLong, "request line too long")
        case .headerField:
            return HTTPParseError(.headerSectionTooLarge, "header section larger than \(limits.maxHeaderBytes) bytes")
        case .chunkSize:
            return HTTPParseError(.chunkLineTooLong, "chunk-size line (with extensions) longer than \(limits.maxChunkLineBytes) bytes")
        case .trailerField:
            return HTTPParseError(.trailerSectionTooLarge, "trailer section larger than \(limits.maxTrailerBytes) bytes")
        }
    }

    /// The next CRLF-terminated line without its CRLF, or nil if it has not fully arrived.
    /// Throws for a bare LF, a bare CR, or a line longer than `limit` (counting its CRLF).
    private mutating func nextLine(limit: Int, kind: LineKind) throws(HTTPParseError) -> ArraySlice<UInt8>? {
        let unconsumed = buffer[cursor...]
        guard let lf = unconsumed.firstIndex(of: ASCII.lf) else {
            if unconsumed.count > limit { throw overlongLine(kind, unconsumed) }
            return nil
        }
        // Length before line ending: a split feed may have thrown "overlong" before the LF arrived,
        // and the outcome must not depend on how the bytes were split.
        if lf - cursor + 1 > limit { throw overlongLine(kind, buffer[cursor..<lf]) }
        guard lf > cursor, buffer[lf - 1] == ASCII.cr else {
            throw HTTPParseError(.bareLF, "bare LF line ending (only CRLF is accepted)")
        }
        let line = buffer[cursor..<(lf - 1)]
        if line.contains(ASCII.cr) { throw HTTPParseError(.bareCR, "bare CR in a line") }
        cursor = lf + 1
        return line
    }

    // MARK: - Request line

    private func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> PendingHead {
        let parts = line.split(separator: ASCII.space, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            throw HTTPParseError(.malformedRequestLine, "malformed request line (expected: method SP target SP version, single spaces)")
        }
        let (methodBytes, targetBytes, versionBytes) = (parts[0], parts[1], parts[2])
        guard ASCII.isToken(methodBytes) else { throw HTTPParseError(.invalidMethod, "invalid character in method") }
        let version = try parseVersion(versionBytes)
        let method = String(decoding: methodBytes, as: UTF8.self)
        guard methodBytes.count <= Self.maxMethodLength, limits.knownMethods.contains(method) else {
            throw HTTPParseError(.methodNotImplemented, "method not implemented")
        }
        guard targetBytes.count <= limits.maxTargetLength else {
            throw HTTPParseError(.targetTooLong, "request target longer than \(limits.maxTargetLength) bytes")
        }
        // Targets are visible ASCII only; no fragment part is ever sent in a request.
        guard targetBytes.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: "#") }) else {
            throw HTTPParseError(.invalidTarget, "invalid character in request target")
        }
        let target = String(decoding: targetBytes, as: UTF8.self)
        return PendingHead(method: method, target: target, version: version, fields: [])
    }

    private func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let text = Array(bytes)
        let prefix = Array("HTTP/".utf8)
        guard text.starts(with: prefix) else { throw HTTPParseError(.malformedVersion, "malformed HTTP version") }
        let rest = text.dropFirst(prefix.count)
        // HTTP-version = "HTTP/" DIGIT "." DIGIT; "HTTP/2" and "HTTP/3" name versions we also refuse with 505.
        if rest.count == 1, let major = rest.first, ASCII.isDigit(major), major != UInt8(ascii: "1") {
            throw HTTPParseError(.unsupportedVersion, "HTTP version not supported (only HTTP/1.0 and HTTP/1.1)")
        }
        guard rest.count == 3, ASCII.isDigit(rest[rest.startIndex]), rest[rest.startIndex + 1] == UInt8(ascii: "."),
              ASCII.isDigit(rest[rest.startIndex + 2]) else {
            throw HTTPParseError(.malformedVersion, "malformed HTTP version")
        }
        guard rest[rest.startIndex] == UInt8(ascii: "1") else {
            throw HTTPParseError(.unsupportedVersion, "HTTP version not supported (only HTTP/1.0 and HTTP/1.1)")
        }
        return rest[rest.startIndex + 2] == UInt8(ascii: "0") ? .http1_0 : .http1_1
    }

    // MARK: - Header fields

    private func parseFieldLine(_ line: ArraySlice<UInt8>, isFirst: Bool) throws(HTTPParseError) -> HTTPField {
        guard let first = line.first, !ASCII.isWhitespace(first) else {
            throw isFirst ? HTTPParseError(.whitespaceBeforeFirstField, "whitespace before the first header field")
                : HTTPParseError(.obsoleteLineFolding, "obsolete line folding (obs-fold) is not accepted")
        }
        guard let colon = line.firstIndex(of: ASCII.colon) else {
            throw HTTPParseError(.missingColon, "header field without a colon")
        }
        let name = line[line.startIndex..<colon]
        guard ASCII.isToken(name) else {
            if let last = name.last, ASCII.isWhitespace(last) {
                throw HTTPParseError(.whitespaceBeforeColon, "whitespace between header field name and colon")
            }
            throw HTTPParseError(.invalidFieldName, "invalid character in header field name")
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, ASCII.isWhitespace(byte) { value.removeFirst() }
        while let byte = value.last, ASCII.isWhitespace(byte) { value.removeLast() }
        guard value.allSatisfy(ASCII.isFieldValueCharacter) else {
            throw HTTPParseError(.invalidFieldValue, "invalid character (control, NUL or CR) in header field value")
        }
        return HTTPField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    // MARK: - Head semantics

    private func finishHead() throws(HTTPParseError) -> HTTPRequestHead {
        let headers = HTTPHeaders(pending.fields)
        let version = pending.version
        let (path, query) = try splitTarget(pending.target, method: pending.method)

        let hosts = headers.values(for: "Host")
        if hosts.count > 1 { throw HTTPParseError(.duplicateHost, "more than one Host header field") }
        if version == .http1_1, hosts.isEmpty {
            throw HTTPParseError(.missingHost, "missing Host header field (required in HTTP/1.1)")
        }
        if let host = hosts.first, !host.utf8.allSatisfy(Self.isHostCharacter) {
            throw HTTPParseError(.invalidHost, "invalid Host header field")
        }

        let framing = try bodyFraming(headers, version: version)

        let connection = headers.lowercasedTokens(for: "Connection")
        let keepAlive = connection.contains("close") ? false : (version == .http1_1 || connection.contains("keep-alive"))

        var expectsContinue = false
        if let expectation = headers["Expect"] {
            // RFC 9110 10.1.1: an HTTP/1.0 request's 100-continue expectation is ignored.
            if expectation.trimmingHTTPWhitespace().lowercased() == "100-continue" {
                expectsContinue = version == .http1_1
            } else {
                throw HTTPParseError(.unsupportedExpectation, "unsupported expectation (only 100-continue)")
            }
        }
        return HTTPRequestHead(method: pending.method, target: pending.target, path: path, query: query,
                               version: version, headers: headers, framing: framing,
                               keepAlive: keepAlive, expectsContinue: expectsContinue)
    }

    private func splitTarget(_ target: String, method: String) throws(HTTPParseError) -> (path: String, query: String?) {
        if target == "*" {
            guard method == "OPTIONS" else {
                throw HTTPParseError(.asteriskFormWithoutOptions, "asterisk-form target is only allowed with OPTIONS")
            }
            return ("*", nil)
        }
        var rest = Substring(target)
        if !target.hasPrefix("/") {
            // absolute-form: scheme "://" authority [path] — the path is what routing sees.
            let lower = target.lowercased()
            guard let schemeEnd = ["http://", "https://"].first(where: { lower.hasPrefix($0) })?.count else {
                throw HTTPParseError(.unrecognisedTargetForm, "request target must be origin-form, absolute-form (http/https) or *")
            }
            let afterScheme = target.dropFirst(schemeEnd)
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
            guard authorityEnd > afterScheme.startIndex else {
                throw HTTPParseError(.absoluteFormWithoutHost, "absolute-form target without a host")
            }
            rest = afterScheme[authorityEnd...]
        }
        let question = rest.firstIndex(of: "?")
        var path = String(rest[..<(question ?? rest.endIndex)])
        if path.isEmpty { path = "/" }
        let query = question.map { String(rest[rest.index(after: $0)...]) }
        return (path, query)
    }

    /// uri-host [":" port] characters: unreserved, sub-delims, "%", ":", "[" and "]".
    private static func isHostCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
             UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "!"), UInt8(ascii: "$"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"),
             UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default: return false
        }
    }

    /// RFC 9112 6.1-6.3, strict: Content-Length with Transfer-Encoding, differing lengths, or
    /// a length that is not plain digits are all 400, since proxies may read them differently.
    private func bodyFraming(_ headers: HTTPHeaders, version: HTTPVersion) throws(HTTPParseError) -> HTTPBodyFraming {
        let lengths = headers.values(for: "Content-Length")
        if headers.contains("Transfer-Encoding") {
            if version == .http1_0 {
                throw HTTPParseError(.transferEncodingInHTTP10, "Transfer-Encoding in an HTTP/1.0 request")
            }
            if !lengths.isEmpty {
                throw HTTPParseError(.contentLengthWithTransferEncoding, "both Content-Length and Transfer-Encoding")
            }
            let codings = headers.lowercasedTokens(for: "Transfer-Encoding")
            guard !codings.contains("") else { throw HTTPParseError(.emptyTransferCoding, "empty transfer coding") }
            let understood: Set<String> = ["chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress"]
            if codings.contains(where: { !understood.contains($0) }) {
                throw HTTPParseError(.unknownTransferCoding, "transfer coding not implemented")
            }
            if codings.filter({ $0 == "chunked" }).count > 1 {
                throw HTTPParseError(.chunkedAppliedTwice, "chunked applied more than once")
            }
            guard codings.last == "chunked" else {
                throw HTTPParseError(.chunkedNotFinal, "chunked is not the final transfer coding")
            }
            guard codings.count == 1 else {
                throw HTTPParseError(.transferCodingNotImplemented, "only the chunked transfer coding is implemented")
            }
            return .chunked
        }
        guard !lengths.isEmpty else { return .none }
        var length: Int?
        for element in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let digits = element.trimmingHTTPWhitespace()
            guard let value = Self.parseDecimal(digits) else {
                throw HTTPParseError(.invalidContentLength, "Content-Length is not a valid decimal number")
            }
            if let length, length != value {
                throw HTTPParseError(.conflictingContentLength, "differing Content-Length values")
            }
            length = value
        }
        guard let length else { return .none }
        guard length <= limits.maxBodyBytes else {
            throw HTTPParseError(.bodyTooLarge, "body of \(length) bytes is larger than the limit of \(limits.maxBodyBytes) bytes")
        }
        return .contentLength(length)
    }

    /// 1*DIGIT, at most 19 digits, overflow-checked; nil for anything else ("+1", "0x1", "",
    /// 20 or more digits even with leading zeros: no honest client sends them).
    static func parseDecimal(_ text: String) -> Int? {
        guard (1...19).contains(text.utf8.count) else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard ASCII.isDigit(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 48))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    // MARK: - Chunked

    /// chunk-size [ chunk-ext ]: 1*HEXDIG, then nothing or (BWS ";" ...). Extensions are ignored.
    private func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = ASCII.hexValue(line[index]) {
            let (times16, overflow1) = size.multipliedReportingOverflow(by: 16)
            let (sum, overflow2) = times16.addingReportingOverflow(digit)
            if overflow1 || overflow2 { throw HTTPParseError(.chunkSizeOverflow, "chunk size overflows") }
            size = sum
            index += 1
        }
        guard index > line.startIndex else { throw HTTPParseError(.invalidChunkSize, "chunk size is not hexadecimal") }
        var rest = line[index...]
        while let byte = rest.first, ASCII.isWhitespace(byte) { rest.removeFirst() }
        if let first = rest.first {
            guard first == UInt8(ascii: ";") else {
                throw HTTPParseError(.invalidChunkSize, "chunk size is not hexadecimal")
            }
            guard rest.allSatisfy(ASCII.isFieldValueCharacter) else {
                throw HTTPParseError(.invalidChunkExtension, "invalid character in chunk extension")
            }
        }
        return size
    }

    // MARK: - Buffer

    private mutating func compact() {
        if cursor == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 256 * 1024)
            cursor = 0
        } else if cursor > 64 * 1024 {
            buffer.removeFirst(cursor)
            cursor = 0
        }
    }
}
