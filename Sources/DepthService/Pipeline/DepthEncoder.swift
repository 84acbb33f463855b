import ImageIO

/// What an answer says besides the depth values: the model, the camera the depth was scaled with,
/// the known-distance fit, measured points, the colour range. Every encoding carries the parts it can.
public struct DepthContext: Sendable {
    public var modelName: String
    /// The focal length used and where it came from; nil for a grid encoded without one (tests).
    public var camera: PhotoCamera?
    public var knownFit: KnownDistanceFit?
    /// `points=` results (JSON only).
    public var points: [MeasuredPoint]
    /// The colour preview's fixed range in metres; nil = the map's own range.
    public var colorRange: ClosedRange<Double>?

    public init(modelName: String, camera: PhotoCamera? = nil, knownFit: KnownDistanceFit? = nil,
                points: [MeasuredPoint] = [], colorRange: ClosedRange<Double>? = nil) {
        self.modelName = modelName
        self.camera = camera
        self.knownFit = knownFit
        self.points = points
        self.colorRange = colorRange
    }

    /// The scale source (``DepthFact/scaleSource``): `known` when known distances set the scale, else the camera's source.
    public var scaleSource: String? { knownFit != nil ? "known" : camera?.source.rawValue }

    /// (name, value) pairs every format states: focal length, scale source, known-distance fit.
    var descriptors: [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        if let camera { out.append(("focal-px", DepthEncoder.decimal(camera.focalPx))) }
        if let scaleSource { out.append(("scale-source", scaleSource)) }
        if let knownFit {
            out.append(("scale-factor", String(format: "%.6f", knownFit.factor)))
            out.append(("scale-residual", String(format: "%.6f", knownFit.residual)))
        }
        return out
    }
}

/// Encodes a depth grid in metres as png16, json, a colour preview or npy (`PointCloudEncoder` does ply).
///
/// - png16: 16-bit grayscale PNG in millimetres, rounded; 0 = no estimate (non-finite or not
///   positive); other values clipped to 1...65535 (1 mm to 65.535 m). tEXt chunks `depth-unit`
///   (`mm`), `depth-scale` (`0.001`, metres per unit), `model`, and `focal-px` / `scale-source`
///   (with `scale-factor` / `scale-residual` after known distances) state how to read it.
/// - json: `{"width","height","unit":"m","min","max","focal_px","scale_source",...,"depth":[...]}`,
///   compact, row-major from the top left, 3 decimals (millimetres); 0 = no estimate; min/max over
///   the estimates; `points` and `known_fit` when asked for.
/// - color: 8-bit RGB PNG, inferno, near = warm and bright, far = dark, scaled to the map's range
///   or to `colorRange`.
/// - npy: NumPy float32 (height, width), metres, NaN = no estimate.
public enum DepthEncoder {
    /// Millimetres per metre in png16.
    public static let png16Scale: Float = 1000

    /// Encodes `grid` (metres) as `format` without camera details (`modelName` goes into png16's text).
    public static func encode(_ grid: FloatGrid, format: DepthRequestOptions.Format, modelName: String) throws -> EncodedDepth {
        try encode(grid, format: format, context: DepthContext(modelName: modelName))
    }

    /// Encodes `grid` (metres) as `format` (not ply), stating `context`.
    public static func encode(_ grid: FloatGrid, format: DepthRequestOptions.Format, context: DepthContext) throws -> EncodedDepth {
        switch format {
        case .png16:
            return try grid.values.withUnsafeBufferPointer { try encodePNG16($0, width: grid.width, height: grid.height, context: context) }
        case .json:
            let range = grid.estimateRange     // once, for the facts and the encoding both
            return EncodedDepth(bytes: json(grid, range: range, context: context), format: format,
                                facts: facts(width: grid.width, height: grid.height, range: range, format: format, context: context))
        case .color:
            let range = grid.estimateRange
            var facts = facts(width: grid.width, height: grid.height, range: range, format: format, context: context)
            if let fixed = context.colorRange {
                facts += [(.colorMin, decimal(fixed.lowerBound)), (.colorMax, decimal(fixed.upperBound))]
            }
            let shown = context.colorRange.map { (min: Float($0.lowerBound), max: Float($0.upperBound)) } ?? range
            return EncodedDepth(bytes: try color(grid, shownRange: shown), format: format, facts: facts)
        case .npy:
            return EncodedDepth(bytes: NPYEncoder.encode(grid), format: format, facts: facts(for: grid, format: format, context: context))
        case .ply:
            throw ImageError.invalidArgument("ply is encoded by PointCloudEncoder, from the depth map and its camera")
        }
    }

    /// The png16 answer for a (height, width) grid of metres held outside a `FloatGrid` (the
    /// pipeline's pooled photo-size grid), stating `context`.
    public static func encodePNG16(_ values: UnsafeBufferPointer<Float>, width: Int, height: Int,
                                   context: DepthContext) throws -> EncodedDepth {
        let facts = facts(width: width, height: height, range: FloatGrid.estimateRange(of: values), format: .png16, context: context)
        let bytes = try png16(values, width: width, height: height, modelName: context.modelName, extraText: context.descriptors)
        return EncodedDepth(bytes: bytes, format: .png16, facts: facts)
    }

    /// What an answer about `grid` states besides its values, every format alike.
    static func facts(for grid: FloatGrid, format: DepthRequestOptions.Format, context: DepthContext) -> [(fact: DepthFact, value: String)] {
        facts(width: grid.width, height: grid.height, range: grid.estimateRange, format: format, context: context)
    }

    /// The facts of a `width` x `height` grid whose estimates span `range`.
    static func facts(width: Int, height: Int, range: (min: Float, max: Float)?, format: DepthRequestOptions.Format,
                      context: DepthContext) -> [(fact: DepthFact, value: String)] {
        var facts: [(fact: DepthFact, value: String)] = []
        switch format {
        case .png16: facts += [(.unit, "mm"), (.scale, "0.001")]
        case .json, .npy, .ply: facts += [(.unit, "m"), (.scale, "1")]
        case .color: break
        }
        facts += [(.width, "\(width)"), (.height, "\(height)")]
        if let range {
            facts += [(.min, fixed(range.min)), (.max, fixed(range.max))]
        }
        if let camera = context.camera { facts.append((.focalPx, decimal(camera.focalPx))) }
        if let source = context.scaleSource { facts.append((.scaleSource, source)) }
        if let fit = context.knownFit {
            facts += [(.scaleFactor, String(format: "%.6f", fit.factor)), (.scaleResidual, String(format: "%.6f", fit.residual))]
        }
        return facts
    }

    /// `value` with 2 decimals (focal lengths in pixels, colour ranges in metres: 1 cm).
    static func decimal(_ value: Double) -> String { String(format: "%.2f", value) }

    /// The png16 sample for `metres`: 0 when there is no estimate, else millimetres rounded half
    /// away from zero and clipped to 1...65535 (clipping before rounding gives the same: the bounds
    /// are whole numbers).
    public static func millimetres(_ metres: Float) -> UInt16 { Sample16.sample(metres, scale: png16Scale) }

    /// A 16-bit grayscale PNG in millimetres with the unit, scale, model and `extraText` in tEXt chunks.
    public static func png16(_ grid: FloatGrid, modelName: String, extraText: [(key: String, value: String)] = []) throws -> [UInt8] {
        try grid.values.withUnsafeBufferPointer {
            try png16($0, width: grid.width, height: grid.height, modelName: modelName, extraText: extraText)
        }
    }

    static func png16(_ values: UnsafeBufferPointer<Float>, width: Int, height: Int, modelName: String,
                      extraText: [(key: String, value: String)]) throws -> [UInt8] {
        try ImageEncoder.png16(quantizing: values, scale: png16Scale, width: width, height: height, text: [
            (key: "depth-unit", value: "mm"),
            (key: "depth-scale", value: "0.001"),
            (key: "model", value: latin1(modelName.isEmpty ? "unnamed" : modelName)),
        ] + extraText + [(key: "Software", value: "depthd")])
    }

    /// The compact JSON document (UTF-8).
    public static func json(_ grid: FloatGrid, context: DepthContext? = nil) -> [UInt8] {
        json(grid, range: grid.estimateRange, context: context)
    }

    /// `json` with the grid's `estimateRange` already known.
    static func json(_ grid: FloatGrid, range estimates: (min: Float, max: Float)?, context: DepthContext?) -> [UInt8] {
        let range = estimates ?? (0, 0)
        var out: [UInt8] = []
        out.reserveCapacity(80 + grid.values.count * 7)
        out += Array("{\"width\":\(grid.width),\"height\":\(grid.height),\"unit\":\"m\",\"min\":".utf8)
        appendFixed(range.min, to: &out)
        out += Array(",\"max\":".utf8)
        appendFixed(range.max, to: &out)
        if let context {
            var members: [(String, JSONValue)] = []
            if let camera = context.camera {
                members.append(("focal_px", .number((camera.focalPx * 100).rounded() / 100)))
                if let tags = camera.exifTags { members.append(("focal_exif_tags", .string(tags))) }
            }
            if let source = context.scaleSource { members.append(("scale_source", .string(source))) }
            if let fit = context.knownFit {
                members.append(("known_fit", .object([
                    ("factor", .number((fit.factor * 1e6).rounded() / 1e6)),
                    ("residual", .number((fit.residual * 1e6).rounded() / 1e6)),
                    ("fitted_m", .array(fit.fitted.map { .number(($0 * 1000).rounded() / 1000) })),
                ])))
            }
            if !context.points.isEmpty {
                members.append(("points", .array(context.points.map { measured in
                    .object([
                        ("x", .number(measured.point.x)), ("y", .number(measured.point.y)),
                        ("depth", measured.depth.map { .number(($0 * 1000).rounded() / 1000) } ?? .null),
                        ("position", measured.position.map { .array($0.map { .number(($0 * 1000).rounded() / 1000) }) } ?? .null),
                    ])
                })))
            }
            for (key, value) in members {
                out += Array(",".utf8)
                var text = ""
                JSONValue.object([(key, value)]).write(to: &text)
                out += Array(text.utf8.dropFirst().dropLast())
            }
        }
        out += Array(",\"depth\":[".utf8)
        for (i, value) in grid.values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendFixed(value.isFinite && value > 0 ? value : 0, to: &out)
        }
        out += Array("]}".utf8)
        return out
    }

    /// The colour preview's map: inferno reversed, so that near is warm and bright (pale yellow)
    /// and far dark (black-purple).
    public static let colorMap = ColorMap.inferno.reversed

    /// A `colorMap` preview PNG the size of `grid`, over `range` (metres; nearer and farther values
    /// take the end colours) or the map's own range; no estimate is grey.
    public static func color(_ grid: FloatGrid, range fixedRange: ClosedRange<Double>? = nil) throws -> [UInt8] {
        try color(grid, shownRange: fixedRange.map { (min: Float($0.lowerBound), max: Float($0.upperBound)) } ?? grid.estimateRange)
    }

    /// `color` over the range it shows (the fixed range or the grid's own), already known.
    static func color(_ grid: FloatGrid, shownRange range: (min: Float, max: Float)?) throws -> [UInt8] {
        var shown = estimatesOnly(grid)
        if let range { shown.values = shown.values.map { $0.isFinite ? min(max($0, range.min), range.max) : $0 } }
        return try ImageEncoder.png(colorMap.colorize(shown, low: range?.min, high: range?.max))
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
