/// The id that ties a request's log lines, its response (`X-Request-Id`) and its problem `instance`.
public enum RequestID {
    /// The header that carries it, both ways.
    public static let headerName = "X-Request-Id"
    /// Longest incoming id honoured.
    public static let maximumLength = 200

    /// The client's `X-Request-Id` when it is 1...200 visible ASCII characters (so it cannot
    /// forge log lines or headers), else a new random UUID.
    public static func resolve(incoming: String?) -> String {
        if let incoming, isAcceptable(incoming) { return incoming }
        return randomUUID()
    }

    static func isAcceptable(_ id: String) -> Bool {
        let bytes = id.utf8
        return !bytes.isEmpty && bytes.count <= maximumLength && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A version-4 UUID in lower-case 8-4-4-4-12 form, from the system's random source.
    // Foundation's UUID() opened /dev/urandom on every call and, with its formatting, cost about
    // 9% of the server's time on `GET /healthz` at concurrency 64 (perf, scripts/bench-http.sh);
    // SystemRandomNumberGenerator is one getrandom call for both halves.
    static func randomUUID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000  // version 4
        let low = (generator.next() as UInt64) & ~(0b11 << 62) | (0b10 << 62)  // RFC 4122 variant
        return String(unsafeUninitializedCapacity: 36) { out in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                let shift = UInt64(60 - 4 * (nibble % 16))
                out[position] = hexDigits[Int((word >> shift) & 0xF)]
                position += 1
            }
            return position
        }
    }
}
