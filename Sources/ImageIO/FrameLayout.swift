/// How a photo is laid over the network's frame (320x240 for the paper) without changing its
/// aspect ratio: the photo is scaled by one factor on both axes until it covers the frame, and
/// frame-sized windows, overlapping, cover its longer axis (one window for a 4:3 photo, two for
/// 16:9, three for 9:16). Each window is centre-cropped to the network's input like a 4:3 photo,
/// and the predictions are blended into one map over the photo (`DepthService.WindowMosaic`).
///
/// `squash` is the earlier behaviour, kept for comparison (docs/pipeline.md, "Aspect ratio"): the
/// photo resized to the frame on each axis separately, whatever its aspect ratio.
public struct FrameLayout: Sendable, Equatable {
    public enum Fit: String, Sendable, CaseIterable {
        /// Same scale on both axes, overlapping frame-sized windows.
        case tile
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
    /// Top-left corner of each window in `resized`, in order along the long axis.
    public let windows: [(x: Int, y: Int)]

    public init(photo: PixelSize, frame: PixelSize, crop: PixelSize, fit: Fit = .tile) {
        self.fit = fit
        photoSize = photo
        self.frame = frame
        self.crop = crop
        let photoAspect = Double(photo.width) / Double(photo.height)
        let frameAspect = Double(frame.width) / Double(frame.height)
        guard fit == .tile, abs(photoAspect / frameAspect - 1) > Self.aspectTolerance else {
            resized = frame
            windows = [(0, 0)]
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

    /// Resized pixels per photo pixel, horizontally: the factor s of the camera contract (one factor
    /// on both axes for `tile`; for `squash` the horizontal one).
    public var scale: Double { Double(resized.width) / Double(photoSize.width) }

    /// The crop border on each side of a window (8 and 6 pixels of 320x240).
    public var border: (x: Int, y: Int) { ((frame.width - crop.width) / 2, (frame.height - crop.height) / 2) }

    /// The network inputs for `image` (the upright photo, any size): resized to `resized`,
    /// anti-aliased, then each window's centre crop, in window order.
    public func windowImages(of image: RGBImage) -> [RGBImage] {
        let whole = image.size == resized ? image : image.resized(width: resized.width, height: resized.height)
        return windows.map { whole.cropped(x: $0.x + border.x, y: $0.y + border.y, width: crop.width, height: crop.height) }
    }
}
