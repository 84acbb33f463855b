import Foundation
import ImageIO

/// A predicted depth map in metres on the network's output grid, with what is needed to resample it
/// over the whole original photo.
public struct DepthMap: Sendable {
    /// (oh, ow) depth in metres on the network's grid (e.g. 74x55). NaN where there is no estimate.
    public let native: FloatGrid
    /// The upright size of the photo the prediction came from.
    public let originalSize: PixelSize
    /// The rectangle of `native` that corresponds to the whole photo (it extends past the grid by
    /// the crop border, see `NetworkInput.depthRegion`).
    public let photoRegion: FloatGrid.Region

    /// Depth from the network's log depth (natural log of metres), (height, width) row-major.
    /// Values whose exponential is not finite become NaN (no estimate).
    public init(logDepth: ArraySlice<Float>, gridSize: PixelSize, image: PreparedImage) throws {
        let metres = logDepth.map { value -> Float in
            let depth = Foundation.exp(value)
            return depth.isFinite ? depth : .nan
        }
        native = try FloatGrid(width: gridSize.width, height: gridSize.height, values: metres)
        originalSize = image.originalSize
        photoRegion = NetworkInput.depthRegion(gridSize: gridSize, resized: image.frameSize, crop: image.inputSize)
    }

    /// The depth map at the requested size: `native` (the network's grid) or `input` (the photo's
    /// own size, bilinear over the region covering the whole photo).
    public func grid(size: DepthRequestOptions.Size) -> FloatGrid {
        switch size {
        case .native: native
        case .input: native.resampledBilinear(width: originalSize.width, height: originalSize.height, region: photoRegion)
        }
    }
}
