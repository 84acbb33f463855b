import Foundation
import ImageIO

/// A predicted depth map in metres at the network's output resolution over the whole photo, with
/// what is needed to resample it to the photo's size and to place it in 3D.
public struct DepthMap: Sendable {
    /// (mh, mw) depth in metres: the network's grid (e.g. 74x55) for a 4:3 photo, the blend of
    /// its windows' grids for others (`WindowMosaic`). NaN where there is no estimate.
    public private(set) var native: FloatGrid
    /// The rectangle of `native` that corresponds to the whole photo (it extends past the grid by
    /// the crop border, see `FrameLayout.frameRegion`).
    public let photoRegion: FloatGrid.Region
    /// How the photo was laid over the network's frame.
    public let layout: FrameLayout
    /// The photo's header (upright size, EXIF lens tags).
    public let header: ImageHeader
    /// The decoded photo when the request needs its colours (format=ply).
    public let photo: RGBImage?

    /// Depth from the network's log depth (natural log of metres), one (oh, ow) grid per window of
    /// `image`, row-major. Values whose exponential is not finite become NaN (no estimate).
    public init(windowLogDepth: [ArraySlice<Float>], gridSize: PixelSize, image: PreparedImage) throws {
        let (logDepth, region) = try WindowMosaic.blend(windowLogDepth, gridSize: gridSize, layout: image.layout)
        let metres = logDepth.values.map { value -> Float in
            let depth = Foundation.exp(value)
            return depth.isFinite ? depth : .nan
        }
        native = try FloatGrid(width: logDepth.width, height: logDepth.height, values: metres)
        photoRegion = region
        layout = image.layout
        header = image.header
        photo = image.photo
    }

    /// The upright size of the photo the prediction came from.
    public var originalSize: PixelSize { header.size }

    /// The depth map at the requested size: `native` (the network's resolution) or `input` (the
    /// photo's own size, bilinear over the region covering the whole photo).
    public func grid(size: DepthRequestOptions.Size) -> FloatGrid {
        switch size {
        case .native: native
        case .input: native.resampledBilinear(width: originalSize.width, height: originalSize.height, region: photoRegion)
        }
    }

    /// `grid(size: .input)`'s values ((height, width) of the photo's size) in a pooled block rather
    /// than an array, for the duration of `body` (`FloatGrid.withResampledBilinear`).
    public func withPhotoSizeGrid<R>(_ body: (UnsafeBufferPointer<Float>, PixelSize) throws -> R) rethrows -> R {
        try native.withResampledBilinear(width: originalSize.width, height: originalSize.height, region: photoRegion, body)
    }

    /// The same map with every depth multiplied by `factor`.
    public func scaled(by factor: Double) -> DepthMap {
        var copy = self
        let f = Float(factor)
        copy.native.values = native.values.map { $0 * f }
        return copy
    }

    /// The depth at the photo's continuous position (`x`, `y`) (pixel (i, j) covers [i, i+1) x [j, j+1)),
    /// bilinear on `native` exactly as `grid(size: .input)` samples it.
    public func depth(atPhotoX x: Double, y: Double) -> Float {
        let gx = photoRegion.x0 + x / Double(originalSize.width) * (photoRegion.x1 - photoRegion.x0) - 0.5
        let gy = photoRegion.y0 + y / Double(originalSize.height) * (photoRegion.y1 - photoRegion.y0) - 0.5
        return WindowMosaic.bilinear(native.values, width: native.width, height: native.height, x: gx, y: gy)
    }

    /// Photo pixels per `native` cell, horizontally and vertically.
    public var photoPixelsPerCell: (x: Double, y: Double) {
        (Double(originalSize.width) / (photoRegion.x1 - photoRegion.x0), Double(originalSize.height) / (photoRegion.y1 - photoRegion.y0))
    }
}
