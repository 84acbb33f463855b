import Foundation
import ImageIO

/// The options of `POST /v1/depth` (its query and `Accept` header) and of `depthd predict` (its
/// flags, read through the same ``parse(query:defaultFormat:)``): output format and size, the camera, the colour range,
/// the point cloud's step, points to measure and known distances.
public struct DepthRequestOptions: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        /// 16-bit grayscale PNG, millimetres, 0 = no estimate.
        case png16
        /// JSON in metres.
        case json
        /// 8-bit colour-mapped PNG preview.
        case color
        /// NumPy .npy, float32 metres, NaN = no estimate.
        case npy
        /// Binary little-endian PLY point cloud, metres, camera frame.
        case ply
    }

    public enum Size: String, Sendable, CaseIterable {
        /// Resampled to the uploaded image's (oriented) size.
        case input
        /// The network's own output resolution over the photo (74x55 for a 4:3 photo and the paper's model).
        case native
    }

    /// The focal length a request states for its photo.
    public enum Focal: Sendable, Equatable {
        /// `focal_px`: in the photo's (upright) pixels.
        case pixels(Double)
        /// `fov_deg`: the horizontal field of view in degrees.
        case fieldOfView(Double)
    }

    /// A pixel of the photo, upright, in its own pixels: `0,0` is the top-left pixel (whose centre
    /// lies at 0.5, 0.5 in the continuous coordinates of the 3D positions); fractions are allowed.
    public struct Point: Sendable, Equatable {
        public var x: Double, y: Double
        public init(x: Double, y: Double) { (self.x, self.y) = (x, y) }
    }

    /// A distance from the camera someone measured, at a pixel of the photo.
    public struct KnownDepth: Sendable, Equatable {
        public var point: Point
        public var metres: Double
        public init(point: Point, metres: Double) { (self.point, self.metres) = (point, metres) }
    }

    /// Query parameter names (also the names ``InvalidParameter`` gives).
    public enum Parameter: String, Sendable, CaseIterable {
        case format, size, focalPx = "focal_px", fovDeg = "fov_deg", minM = "min_m", maxM = "max_m", step, points, known, fit
    }

    /// Most entries `points` or `known` may list.
    public static let maxPoints = 256
    /// Largest depth `min_m`, `max_m` or `known` may state, in metres (png16's own limit is 65.535).
    public static let maxMetres = 10_000.0
    /// Largest `step`.
    public static let maxStep = 1024

    public var format: Format
    public var size: Size
    /// The photo's focal length as the request states it; nil = from EXIF, else the model's camera.
    public var focal: Focal?
    /// `min_m` / `max_m`: the colour preview's fixed range in metres; nil = the map's own range.
    public var colorRange: ClosedRange<Double>?
    /// `step`: every step-th pixel (both axes) of the point cloud; nil = the smallest step giving at
    /// most `PointCloudEncoder.defaultMaxPoints` points.
    public var step: Int?
    /// `points`: pixels whose depth and 3D position the JSON answer adds.
    public var points: [Point]
    /// `known`: measured depths the map is rescaled to fit.
    public var known: [KnownDepth]
    /// `fit`: how the photo is laid over the network's frame.
    public var fit: FrameLayout.Fit

    public init(format: Format = .png16, size: Size = .input, focal: Focal? = nil, colorRange: ClosedRange<Double>? = nil,
                step: Int? = nil, points: [Point] = [], known: [KnownDepth] = [], fit: FrameLayout.Fit = .tile) {
        self.format = format
        self.size = size
        self.focal = focal
        self.colorRange = colorRange
        self.step = step
        self.points = points
        self.known = known
        self.fit = fit
    }

    /// Reads the raw values (`query(name)` is nil when absent): the query of `POST /v1/depth`
    /// (which also reads its Accept header: HTTP/DepthRequestOptions+Accept.swift) or the flags of
    /// `depthd predict`. An explicit `format` wins over `defaultFormat`. Throws
    /// ``InvalidParameter`` naming the parameter for a value out of its range or a combination that
    /// does not apply (`points` without JSON, `step` without PLY, `min_m` without color, both
    /// `focal_px` and `fov_deg`).
    public static func parse(query: (Parameter) -> String?, defaultFormat: Format = .png16) throws(InvalidParameter) -> DepthRequestOptions {
        var options = DepthRequestOptions()
        if let format = query(.format) {
            guard let value = Format(rawValue: format) else {
                throw InvalidParameter(.format, "Unknown format \(format.debugDescription); use one of "
                    + Format.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            options.format = value
        } else {
            options.format = defaultFormat
        }
        if let size = query(.size) {
            guard let value = Size(rawValue: size) else {
                throw InvalidParameter(.size, "Unknown size \(size.debugDescription); use one of "
                    + Size.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            options.size = value
        }
        if let fit = query(.fit) {
            guard let value = FrameLayout.Fit(rawValue: fit) else {
                throw InvalidParameter(.fit, "Unknown fit \(fit.debugDescription); use one of "
                    + FrameLayout.Fit.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            options.fit = value
        }
        let focalPx = try query(.focalPx).map { text throws(InvalidParameter) in try positive(text, .focalPx, unit: "pixels") }
        let fov = try query(.fovDeg).map { text throws(InvalidParameter) in try positive(text, .fovDeg, unit: "degrees") }
        switch (focalPx, fov) {
        case (.some, .some):
            throw InvalidParameter(.fovDeg, "Give either focal_px or fov_deg, not both.")
        case (.some(let pixels), nil):
            options.focal = .pixels(pixels)
        case (nil, .some(let degrees)):
            let range = PhotoCamera.plausibleFieldOfView
            guard range.contains(degrees) else {
                throw InvalidParameter(.fovDeg, "fov_deg \(JSONValue.format(degrees)) is outside \(JSONValue.format(range.lowerBound))"
                    + " to \(JSONValue.format(range.upperBound)) degrees (the horizontal field of view).")
            }
            options.focal = .fieldOfView(degrees)
        case (nil, nil):
            break
        }
        let low = try query(.minM).map { text throws(InvalidParameter) in try metres(text, .minM) }
        let high = try query(.maxM).map { text throws(InvalidParameter) in try metres(text, .maxM) }
        if low != nil || high != nil {
            guard options.format == .color else {
                throw InvalidParameter(low != nil ? .minM : .maxM, "min_m and max_m set the colour range of format=color; "
                    + "this request asks for \(options.format.rawValue).")
            }
            guard let low, let high else {
                throw InvalidParameter(low == nil ? .minM : .maxM, "Give both min_m and max_m (the colour range in metres).")
            }
            guard low < high else {
                throw InvalidParameter(.maxM, "max_m (\(JSONValue.format(high))) must be larger than min_m (\(JSONValue.format(low))).")
            }
            options.colorRange = low...high
        }
        if let text = query(.step) {
            guard options.format == .ply else {
                throw InvalidParameter(.step, "step subsamples the point cloud of format=ply; this request asks for \(options.format.rawValue).")
            }
            guard let step = Int(text), (1...maxStep).contains(step) else {
                throw InvalidParameter(.step, "step must be a whole number from 1 to \(maxStep); got \(text.debugDescription).")
            }
            options.step = step
        }
        if let text = query(.points) {
            guard options.format == .json else {
                throw InvalidParameter(.points, "points are answered in format=json; this request asks for \(options.format.rawValue).")
            }
            options.points = try list(text, .points, fields: 2, example: "points=120,80;300,200").map { Point(x: $0[0], y: $0[1]) }
        }
        if let text = query(.known) {
            options.known = try list(text, .known, fields: 3, example: "known=120,80,2.5").enumerated().map { index, fields throws(InvalidParameter) in
                guard fields[2] > 0, fields[2] <= maxMetres else {
                    throw InvalidParameter(.known, "known entry \(index + 1): the distance must be above 0 and at most \(JSONValue.format(maxMetres)) m;"
                        + " got \(JSONValue.format(fields[2])).")
                }
                return KnownDepth(point: Point(x: fields[0], y: fields[1]), metres: fields[2])
            }
        }
        return options
    }

    /// Checks that the pixels `points` and `known` name lie in the photo (upright `size`); throws
    /// ``InvalidParameter`` naming the parameter.
    public func checkPoints(inside size: PixelSize) throws(InvalidParameter) {
        for (parameter, list) in [(Parameter.points, points), (.known, known.map(\.point))] {
            for (index, point) in list.enumerated() where !(point.x < Double(size.width) && point.y < Double(size.height)) {
                throw InvalidParameter(parameter, "\(parameter.rawValue) entry \(index + 1): (\(JSONValue.format(point.x)), \(JSONValue.format(point.y)))"
                    + " is outside the \(size.width)x\(size.height) photo (x 0 to \(size.width - 1), y 0 to \(size.height - 1)).")
            }
        }
    }

    private static func number(_ text: String, _ parameter: Parameter) throws(InvalidParameter) -> Double {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite,
              text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE ".contains($0)) })
        else {
            throw InvalidParameter(parameter, "\(parameter.rawValue) must be a number; got \(text.debugDescription).")
        }
        return value
    }

    private static func positive(_ text: String, _ parameter: Parameter, unit: String) throws(InvalidParameter) -> Double {
        let value = try number(text, parameter)
        guard value > 0 else {
            throw InvalidParameter(parameter, "\(parameter.rawValue) must be above 0 \(unit); got \(JSONValue.format(value)).")
        }
        return value
    }

    private static func metres(_ text: String, _ parameter: Parameter) throws(InvalidParameter) -> Double {
        let value = try number(text, parameter)
        guard value >= 0, value <= maxMetres else {
            throw InvalidParameter(parameter, "\(parameter.rawValue) must be 0 to \(JSONValue.format(maxMetres)) metres; got \(JSONValue.format(value)).")
        }
        return value
    }

    /// `a,b;c,d;...` with `fields` non-negative numbers per entry (at most `maxPoints` entries).
    private static func list(_ text: String, _ parameter: Parameter, fields: Int, example: String) throws(InvalidParameter) -> [[Double]] {
        let entries = text.split(separator: ";", omittingEmptySubsequences: true)
        guard !entries.isEmpty else {
            throw InvalidParameter(parameter, "\(parameter.rawValue) is empty; write entries like \(example).")
        }
        guard entries.count <= maxPoints else {
            throw InvalidParameter(parameter, "\(parameter.rawValue) lists \(entries.count) entries; at most \(maxPoints) are allowed.")
        }
        var result: [[Double]] = []
        for (index, entry) in entries.enumerated() {
            let parts = entry.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == fields else {
                throw InvalidParameter(parameter, "\(parameter.rawValue) entry \(index + 1) (\(String(entry).debugDescription)) has \(parts.count)"
                    + " value\(parts.count == 1 ? "" : "s"), not \(fields); write entries like \(example).")
            }
            var values: [Double] = []
            for part in parts {
                let value = try number(part, parameter)
                guard value >= 0 else {
                    throw InvalidParameter(parameter, "\(parameter.rawValue) entry \(index + 1) (\(String(entry).debugDescription)) has a negative value;"
                        + " pixels count from 0 at the top-left.")
                }
                values.append(value)
            }
            result.append(values)
        }
        return result
    }
}
