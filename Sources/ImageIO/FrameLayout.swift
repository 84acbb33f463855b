/// How a photo is laid over the network's frame (320x240 for the paper) without changing its
/// aspect ratio: the photo is scaled by one factor on both axes until it covers the frame, and
/// frame-sized windows, overlapping, cover its longer axis (one window for a 4:3 photo, two for
/// 16:9, three for 9:16). Each window is centre-cropped to the network's input like a 4:3 photo,
/// and the predictions are blended into one map over the photo (`DepthService.WindowMosaic`).
///
/// `pad` shows the whole photo at one scale inside one frame, the rest of the frame one grey.
/// `squash` is the earlier behaviour: the photo resized to the frame on each axis separately,
/// whatever its aspect ratio. docs/pipeline.md ("Aspect ratio") compares the three.
public struct FrameLayout: Sendable, Equatable {
    public enum Fit: String, Sendable, CaseIterable {
        /// Same scale on both axes, overlapping frame-sized windows.
        case tile
        /// Same scale on both axes, the whole photo inside one frame, grey around it.
        case pad
        /// Resized to the frame per axis (a non-4:3 photo is squashed or stretched).
        case squash
    }

    /// Photos within this relative difference of the frame's aspect ratio get one window, resized
    /// to the frame (a stretch of at most 2 %, far below what the network can tell).
    public static let aspectTolerance = 0.02
    /// Neighbouring windows share at least this fraction of a window.
    public static let minimumOverlap = 0.25

    public let fit: Fit
    /// The upright photo.
    public let photoSize: PixelSize
    /// The window size (the frame, e.g. 320x240).
    public let frame: PixelSize
    /// The network input cropped from the centre of each window (e.g. 304x228).
    public let crop: PixelSize
    /// The size the whole photo is resized to; the windows lie inside it.
    public let resized: PixelSize
    /// Top-left corner of each window in `resized`, in order along the long axis (negative for
    /// `pad`: the frame extends beyond the photo).
    public let windows: [(x: Int, y: Int)]

    public init(photo: PixelSize, frame: PixelSize, crop: PixelSize, fit: Fit = .tile) {
        self.fit = fit
        photoSize = photo
        self.frame = frame
        self.crop = crop
        let photoAspect = Double(photo.width) / Double(photo.height)
        let frameAspect = Double(frame.width) / Double(frame.height)
        guard fit != .squash, abs(photoAspect / frameAspect - 1) > Self.aspectTolerance else {
            resized = frame
            windows = [(0, 0)]
            return
        }
        if fit == .pad {
            let scale = min(Double(frame.width) / Double(photo.width), Double(frame.height) / Double(photo.height))
            let size = PixelSize(width: min(frame.width, max(1, Int((Double(photo.width) * scale).rounded()))),
                                 height: min(frame.height, max(1, Int((Double(photo.height) * scale).rounded()))))
            resized = size
            windows = [(-(frame.width - size.width) / 2, -(frame.height - size.height) / 2)]
            return
        }
        let scale = max(Double(frame.width) / Double(photo.width), Double(frame.height) / Double(photo.height))
        let size = PixelSize(width: max(frame.width, Int((Double(photo.width) * scale).rounded())),
                             height: max(frame.height, Int((Double(photo.height) * scale).rounded())))
        resized = size
        let wide = photoAspect > frameAspect
        let length = wide ? size.width : size.height, window = wide ? frame.width : frame.height
        let stride = Double(window) * (1 - Self.minimumOverlap)
        let count = Int((Double(length - window) / stride).rounded(.up)) + 1
        let offsets = (0..<count).map { Int((Double($0) * Double(length - window) / Double(count - 1)).rounded()) }
        windows = offsets.map { wide ? ($0, 0) : (0, $0) }
    }

    public static func == (lhs: FrameLayout, rhs: FrameLayout) -> Bool {
        lhs.fit == rhs.fit && lhs.photoSize == rhs.photoSize && lhs.frame == rhs.frame && lhs.crop == rhs.crop
            && lhs.resized == rhs.resized && lhs.windows.elementsEqual(rhs.windows, by: { $0 == $1 })
    }

    /// Resized pixels per photo pixel: the factor s of the camera contract (the same on both axes
    /// for `tile` and `pad`; for `squash`, the geometric mean of the two axes' factors, since
    /// apparent sizes then change by one factor across and another down).
    public var scale: Double {
        let sx = Double(resized.width) / Double(photoSize.width), sy = Double(resized.height) / Double(photoSize.height)
        return fit == .squash ? (sx * sy).squareRoot() : sx
    }

    /// The part of `resized` (x0, y0, x1, y1 in its pixels) that some window's crop covers: the
    /// network sees it; depth beyond it (the crop border) is extended from its edge.
    public var covered: (x0: Int, y0: Int, x1: Int, y1: Int) {
        let x0 = windows.map { $0.x + border.x }.min() ?? 0, y0 = windows.map { $0.y + border.y }.min() ?? 0
        let x1 = windows.map { $0.x + border.x + crop.width }.max() ?? 0, y1 = windows.map { $0.y + border.y + crop.height }.max() ?? 0
        return (max(0, x0), max(0, y0), min(resized.width, x1), min(resized.height, y1))
    }

    /// The crop border on each side of a window (8 and 6 pixels of 320x240).
    public var border: (x: Int, y: Int) { ((frame.width - crop.width) / 2, (frame.height - crop.height) / 2) }

    /// The region of a grid of `gridSize` cells over one window's crop (the network's output) that
    /// spans the whole window, crop border included, for
    /// `FloatGrid.resampledBilinear(width:height:region:)`: resampled over it to the frame's size,
    /// the grid gives a value for every pixel of the window (the border extended from the edge).
    public func frameRegion(gridSize: PixelSize) -> FloatGrid.Region {
        let cropX = Double(border.x), cropY = Double(border.y)
        let sx = Double(gridSize.width) / Double(crop.width), sy = Double(gridSize.height) / Double(crop.height)
        return FloatGrid.Region(x0: -cropX * sx, y0: -cropY * sy,
                                x1: (Double(frame.width) - cropX) * sx, y1: (Double(frame.height) - cropY) * sy)
    }

    /// The network inputs for `image` (the upright photo, any size): resized to `resized`,
    /// anti-aliased, then each window's centre crop, in window order. `padColor` fills the frame
    /// around a padded photo (`pad`); the caller chooses it (for the network: the colour its
    /// normalisation takes to zero).
    public func windowImages(of image: RGBImage, padColor: (UInt8, UInt8, UInt8)) -> [RGBImage] {
        let whole = image.size == resized ? image : image.resized(width: resized.width, height: resized.height)
        return windows.map { origin in
            guard origin.x < 0 || origin.y < 0 else {
                return whole.cropped(x: origin.x + border.x, y: origin.y + border.y, width: crop.width, height: crop.height)
            }
            return paddedWindow(whole, at: origin, padColor: padColor)
        }
    }

    /// The crop of a frame that extends beyond the photo: `padColor`, with the photo pasted at -origin.
    // Its own function, so that the crop loop of the other windows compiles as it did without a pad colour.
    @inline(never)
    private func paddedWindow(_ whole: RGBImage, at origin: (x: Int, y: Int), padColor: (UInt8, UInt8, UInt8)) -> RGBImage {
        var frameImage = RGBImage(width: frame.width, height: frame.height, filledWith: padColor)
        frameImage.paste(whole, x: -origin.x, y: -origin.y)
        return frameImage.cropped(x: border.x, y: border.y, width: crop.width, height: crop.height)
    }
}
