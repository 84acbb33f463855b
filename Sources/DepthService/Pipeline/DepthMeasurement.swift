import Foundation
import ImageIO

/// The depth and 3D position of one requested pixel (`points=`).
public struct MeasuredPoint: Sendable, Equatable {
    public let point: DepthRequestOptions.Point
    /// Metres along the optical axis; nil when there is no estimate there.
    public let depth: Double?
    /// (x right, y down, z forward) in metres, OpenCV's camera frame; nil without a depth.
    public let position: [Double]?
}

/// How known distances (`known=`) rescaled the map.
public struct KnownDistanceFit: Sendable, Equatable {
    /// What every depth was multiplied by: the geometric mean of known / estimated (the least
    /// squares fit in log space).
    public let factor: Double
    /// Root mean square of log(known / rescaled estimate) over the known points (0 for one point):
    /// about the typical relative error that remains.
    public let residual: Double
    /// Each known point's depth after rescaling (metres), in request order.
    public let fitted: [Double]
}

/// Depth read at photo pixels: robust point values, 3D positions, and the rescale to known distances.
public enum DepthMeasurement {
    /// Half the side of the window a point's depth is the median over, in `native` cells: the
    /// network's resolution, so one noisy value (or an edge crossing one cell) does not decide it.
    public static let windowCells = 1.0

    /// The median of the depths over a 5x5 pattern spanning +-`windowCells` cells around photo pixel
    /// `point` (its centre), ignoring cells with no estimate; nil when none has one.
    public static func robustDepth(_ map: DepthMap, at point: DepthRequestOptions.Point) -> Double? {
        let cell = map.photoPixelsPerCell
        var values: [Float] = []
        for dy in -2...2 {
            for dx in -2...2 {
                let x = point.x + 0.5 + Double(dx) / 2 * windowCells * cell.x
                let y = point.y + 0.5 + Double(dy) / 2 * windowCells * cell.y
                let value = map.depth(atPhotoX: min(max(x, 0), Double(map.originalSize.width)),
                                      y: min(max(y, 0), Double(map.originalSize.height)))
                if value.isFinite, value > 0 { values.append(value) }
            }
        }
        return WindowMosaic.median(values).map(Double.init)
    }

    /// The camera-frame position of photo pixel `point` at `depth` (its centre, principal point at
    /// the photo's centre): x = (u - W/2) z / f, y = (v - H/2) z / f.
    public static func position(of point: DepthRequestOptions.Point, depth: Double, focalPx: Double, photo: PixelSize) -> [Double] {
        let u = point.x + 0.5, v = point.y + 0.5
        return [(u - Double(photo.width) / 2) * depth / focalPx, (v - Double(photo.height) / 2) * depth / focalPx, depth]
    }

    public static func measure(_ points: [DepthRequestOptions.Point], on map: DepthMap, focalPx: Double) -> [MeasuredPoint] {
        points.map { point in
            let depth = robustDepth(map, at: point)
            return MeasuredPoint(point: point, depth: depth,
                                 position: depth.map { position(of: point, depth: $0, focalPx: focalPx, photo: map.originalSize) })
        }
    }

    /// The single factor that best maps the map's robust depths at the known points onto the known
    /// distances, in log space (each distance counts as a ratio, so 10 cm off at 1 m weighs as much
    /// as 1 m off at 10 m). Throws ``InvalidParameter`` naming `known` when a point has no estimate.
    public static func fit(_ known: [DepthRequestOptions.KnownDepth], on map: DepthMap) throws(InvalidParameter) -> KnownDistanceFit {
        var logRatios: [Double] = []
        var estimates: [Double] = []
        for (index, entry) in known.enumerated() {
            guard let estimate = robustDepth(map, at: entry.point) else {
                throw InvalidParameter(.known, "known entry \(index + 1): the model has no depth estimate at "
                    + "(\(JSONValue.format(entry.point.x)), \(JSONValue.format(entry.point.y))).")
            }
            estimates.append(estimate)
            logRatios.append(log(entry.metres / estimate))
        }
        let meanLog = logRatios.reduce(0, +) / Double(logRatios.count)
        let residual = (logRatios.map { ($0 - meanLog) * ($0 - meanLog) }.reduce(0, +) / Double(logRatios.count)).squareRoot()
        let factor = exp(meanLog)
        return KnownDistanceFit(factor: factor, residual: residual, fitted: estimates.map { $0 * factor })
    }
}
