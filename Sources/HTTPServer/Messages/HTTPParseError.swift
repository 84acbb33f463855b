/// Why a request could not be parsed: which rule it broke (``kind``, from which the status to
/// answer with follows) and a reason a person can act on. Every parse error ends the connection
/// (after the error response), since the framing of what follows is in doubt.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule the request broke.
    public let kind: Kind
    /// A short explanation a person can act on (with the limit that was crossed, where one was);
    /// sent as the default error response's body.
    public let reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The response status: 400, 408, 413, 414, 417, 431, 501 or 505, as ``Kind/status`` decides.
    public var status: Int { kind.status }

    public var description: String { "\(status) \(HTTPStatus.reasonPhrase(status)): \(reason)" }

    /// The rules of RFC 9110/9112 (and this server's limits) a request can break, one case per
    /// rule the parser checks. The raw value is the case's name, stable for logs and tools.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        // Lines (RFC 9112 2.2).
        /// A line ended by LF alone; only CRLF is accepted.
        case bareLF
        /// A CR inside a line, not followed by LF.
        case bareCR
        /// More empty lines before the request line than a client would send.
        case tooManyEmptyLines

        // Request line (RFC 9112 3).
        /// The request line is longer than its cap before a method and space were seen.
        case requestLineTooLong
        /// Not exactly method SP target SP version, with single spaces.
        case malformedRequestLine
        /// The method is not a token.
        case invalidMethod
        /// The method is a token but not one of ``HTTPParserLimits/knownMethods``.
        case methodNotImplemented
        /// The request target is longer than ``HTTPParserLimits/maxTargetLength``.
        case targetTooLong
        /// The target holds a byte that is not visible ASCII, or a fragment ("#").
        case invalidTarget
        /// An asterisk-form target ("*") with a method other than OPTIONS.
        case asteriskFormWithoutOptions
        /// A target that is neither origin-form, absolute-form (http, https) nor asterisk-form.
        case unrecognisedTargetForm
        /// An absolute-form target with an empty authority ("http:///x").
        case absoluteFormWithoutHost
        /// The version is not "HTTP/" DIGIT "." DIGIT.
        case malformedVersion
        /// A well-formed version other than HTTP/1.x.
        case unsupportedVersion

        // Header fields (RFC 9112 5, RFC 9110 5).
        /// The header section is larger than ``HTTPParserLimits/maxHeaderBytes``.
        case headerSectionTooLarge
        /// More fields than ``HTTPParserLimits/maxHeaderCount``.
        case tooManyHeaderFields
        /// The first field line starts with whitespace.
        case whitespaceBeforeFirstField
        /// A field line continued on the next line (obs-fold, RFC 9112 5.2).
        case obsoleteLineFolding
        /// A field line without a colon.
        case missingColon
        /// Whitespace between a field name and its colon (RFC 9112 5.1).
        case whitespaceBeforeColon
        /// A field name that is not a token.
        case invalidFieldName
        /// A control character, NUL or CR in a field value.
        case invalidFieldValue
        /// An HTTP/1.1 request without Host.
        case missingHost
        /// More than one Host field.
        case duplicateHost
        /// A Host value with characters no uri-host [":" port] has.
        case invalidHost
        /// An Expect other than 100-continue.
        case unsupportedExpectation

        // Body framing (RFC 9112 6).
        /// Both Content-Length and Transfer-Encoding.
        case contentLengthWithTransferEncoding
        /// Transfer-Encoding in an HTTP/1.0 request.
        case transferEncodingInHTTP10
        /// An empty element in the Transfer-Encoding list.
        case emptyTransferCoding
        /// A transfer coding this server does not know.
        case unknownTransferCoding
        /// chunked more than once.
        case chunkedAppliedTwice
        /// chunked is not the last transfer coding.
        case chunkedNotFinal
        /// A known coding besides chunked (gzip, deflate, compress), which is not implemented.
        case transferCodingNotImplemented
        /// A Content-Length that is not 1 to 19 plain digits.
        case invalidContentLength
        /// Content-Length values that differ.
        case conflictingContentLength
        /// A body (declared or chunked) larger than ``HTTPParserLimits/maxBodyBytes``.
        case bodyTooLarge

        // Chunked coding (RFC 9112 7.1).
        /// A chunk size that is not hexadecimal, or text after it that is not an extension.
        case invalidChunkSize
        /// A chunk size too large for an Int.
        case chunkSizeOverflow
        /// A control character, NUL or CR in a chunk extension.
        case invalidChunkExtension
        /// A chunk-size line longer than ``HTTPParserLimits/maxChunkLineBytes``.
        case chunkLineTooLong
        /// Chunk data not followed by CRLF where its size says it ends.
        case chunkDataLongerThanSize
        /// The trailer section is larger than ``HTTPParserLimits/maxTrailerBytes``.
        case trailerSectionTooLarge

        // Connection.
        /// The head or the body did not arrive within its timeout (``HTTPServerConfiguration``).
        case requestTimeout

        /// The status a request that broke this rule is answered with: the one place it is decided.
        public var status: Int {
            switch self {
            case .bareLF, .bareCR, .tooManyEmptyLines, .requestLineTooLong, .malformedRequestLine, .invalidMethod,
                 .invalidTarget, .asteriskFormWithoutOptions, .unrecognisedTargetForm, .absoluteFormWithoutHost,
                 .malformedVersion, .whitespaceBeforeFirstField, .obsoleteLineFolding, .missingColon,
                 .whitespaceBeforeColon, .invalidFieldName, .invalidFieldValue, .missingHost, .duplicateHost,
                 .invalidHost, .contentLengthWithTransferEncoding, .transferEncodingInHTTP10, .emptyTransferCoding,
                 .chunkedAppliedTwice, .chunkedNotFinal, .invalidContentLength, .conflictingContentLength,
                 .invalidChunkSize, .chunkSizeOverflow, .invalidChunkExtension, .chunkLineTooLong,
                 .chunkDataLongerThanSize:
                return 400
            case .requestTimeout: return 408
            case .bodyTooLarge: return 413
            case .targetTooLong: return 414
            case .unsupportedExpectation: return 417
            case .headerSectionTooLarge, .tooManyHeaderFields, .trailerSectionTooLarge: return 431
            case .methodNotImplemented, .unknownTransferCoding, .transferCodingNotImplemented: return 501
            case .unsupportedVersion: return 505
            }
        }
    }
}
