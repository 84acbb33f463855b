import ImageIO

/// Encodes a depth grid in metres as png16, json or a colour preview.
///
/// - png16: 16-bit grayscale PNG in millimetres, rounded; 0 = no estimate (non-finite or not
///   positive); other values clipped to 1...65535 (1 mm to 65.535 m). tEXt chunks `depth-unit`
///   (`mm`), `depth-scale` (`0.001`, metres per unit) and `model` state how to read it.
/// - json: `{"width","height","unit":"m","min","max","depth":[...]}`, compact, row-major from the
///   top left, 3 decimals (millimetres); 0 = no estimate; min/max over the estimates.
/// - color: 8-bit RGB PNG, inferno, near = warm and bright, far = dark, scaled to the map's range.
public enum DepthEncoder {
    /// Millimetres per metre in png16.
    public static let png16Scale: Float = 1000

    /// Encodes `grid` (metres) as `format`; `modelName` goes into the png16 text chunk.
    public static func encode(_ grid: FloatGrid, format: DepthRequestOptions.Format, modelName: String) throws -> EncodedDepth {
        let range = estimateRange(grid)
        var headers: [(name: String, value: String)] = []
        switch format {
        case .png16: headers += [("X-Depth-Unit", "mm"), ("X-Depth-Scale", "0.001")]
        case .json: headers += [("X-Depth-Unit", "m"), ("X-Depth-Scale", "1")]
        case .color: break
        }
        headers += [("X-Depth-Width", "\(grid.width)"), ("X-Depth-Height", "\(grid.height)")]
        if let range {
            headers += [("X-Depth-Min", fixed(range.min)), ("X-Depth-Max", fixed(range.max))]
        }
        switch format {
        case .png16:
            return EncodedDepth(bytes: try png16(grid, modelName: modelName), contentType: "image/png",
                                headers: headers, fileExtension: ".png")
        case .json:
            return EncodedDepth(bytes: json(grid), contentType: "application/json", headers: headers, fileExtension: ".json")
        case .color:
            return EncodedDepth(bytes: try color(grid), contentType: "image/png", headers: headers, fileExtension: ".png")
        }
    }

    /// The png16 sample for `metres`: 0 when there is no estimate, else millimetres rounded half
    /// away from zero and clipped to 1...65535 (clipping before rounding gives the same: the bounds
    /// are whole numbers).
    public static func millimetres(_ metres: Float) -> UInt16 {
        guard metres.isFinite, metres > 0 else { return 0 }
        // Without SSE4.1, `rounded()` is a libm call per sample; truncation and the exact fraction are not.
        let mm = min(max(metres * png16Scale, 1), 65535)
        let whole = UInt16(mm)
        return mm - Float(whole) >= 0.5 ? whole + 1 : whole
    }

    /// A 16-bit grayscale PNG in millimetres with the unit, scale and model in tEXt chunks.
    public static func png16(_ grid: FloatGrid, modelName: String) throws -> [UInt8] {
        try ImageEncoder.png16(grid.values.map(millimetres), width: grid.width, height: grid.height, text: [
            (key: "depth-unit", value: "mm"),
            (key: "depth-scale", value: "0.001"),
            (key: "model", value: latin1(modelName.isEmpty ? "unnamed" : modelName)),
            (key: "Software", value: "depthd"),
        ])
    }

    /// The compact JSON document (UTF-8).
    public static func json(_ grid: FloatGrid) -> [UInt8] {
        let range = estimateRange(grid) ?? (0, 0)
        var out: [UInt8] = []
        out.reserveCapacity(80 + grid.values.count * 7)
        out += Array("{\"width\":\(grid.width),\"height\":\(grid.height),\"unit\":\"m\",\"min\":".utf8)
        appendFixed(range.min, to: &out)
        out += Array(",\"max\":".utf8)
        appendFixed(range.max, to: &out)
        out += Array(",\"depth\":[".utf8)
        for (i, value) in grid.values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendFixed(value.isFinite && value > 0 ? value : 0, to: &out)
        }
        out += Array("]}".utf8)
        return out
    }

    /// An inferno preview PNG the size of `grid`.
    public static func color(_ grid: FloatGrid) throws -> [UInt8] {
        let range = estimateRange(grid)
        return try ImageEncoder.png(ColorMap.inferno.colorize(depth: estimatesOnly(grid), near: range?.min, far: range?.max))
    }

    /// Smallest and largest estimate (finite, positive), nil when there is none.
    public static func estimateRange(_ grid: FloatGrid) -> (min: Float, max: Float)? {
        var low = Float.infinity, high = -Float.infinity
        for value in grid.values where value.isFinite && value > 0 {
            low = min(low, value)
            high = max(high, value)
        }
        return low <= high ? (low, high) : nil
    }

    /// `grid` with every non-estimate (non-finite or not positive) as NaN, which the colour map shows grey.
    private static func estimatesOnly(_ grid: FloatGrid) -> FloatGrid {
        guard grid.values.contains(where: { !($0.isFinite && $0 > 0) }) else { return grid }
        var copy = grid
        copy.values = grid.values.map { $0.isFinite && $0 > 0 ? $0 : .nan }
        return copy
    }

    private static func fixed(_ value: Float) -> String {
        var bytes: [UInt8] = []
        appendFixed(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    // Writes a finite value with exactly 3 decimals, digit by digit (a full-size map has millions
    // of values; String formatting per value would dominate the encoding time).
    private static func appendFixed(_ value: Float, to out: inout [UInt8]) {
        let clamped = Double(value.isFinite ? min(max(value, -1e12), 1e12) : 0)
        var thousandths = Int64((clamped * 1000).rounded())
        if thousandths < 0 { out.append(UInt8(ascii: "-")); thousandths = -thousandths }
        // Digits of `thousandths`, least significant first, with at least 4 (so "0.xyz").
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(48 + thousandths % 10)
                thousandths /= 10
                count += 1
            } while thousandths > 0 || count < 4
            for index in stride(from: count - 1, through: 0, by: -1) {
                if index == 2 { out.append(UInt8(ascii: ".")) }
                out.append(buffer[index])
            }
        }
    }

    private static func latin1(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            (0x20...0x7E).contains($0.value) || (0xA1...0xFF).contains($0.value) ? $0 : "?"
        }))
    }
}
