/// The EXIF orientation tag (0x0112): how the stored pixels must be transformed to show upright.
public enum Orientation: Int, Sendable, Equatable, CaseIterable {
    case up = 1                    // as stored
    case mirrorHorizontal = 2
    case rotate180 = 3
    case mirrorVertical = 4
    case transpose = 5             // mirror horizontally, then rotate 270 degrees clockwise
    case rotate90Clockwise = 6     // the usual phone photo held upright
    case transverse = 7            // mirror horizontally, then rotate 90 degrees clockwise
    case rotate270Clockwise = 8

    /// Whether the upright image has width and height exchanged.
    public var swapsAxes: Bool { rawValue >= 5 }

    /// The upright size of a stored `size`.
    public func orientedSize(_ size: PixelSize) -> PixelSize {
        swapsAxes ? PixelSize(width: size.height, height: size.width) : size
    }

    /// For stored size w x h: the source pixel index of upright pixel (x, y) is
    /// origin + x * stepX + y * stepY.
    private func walk(width w: Int, height h: Int) -> (origin: Int, stepX: Int, stepY: Int) {
        switch self {
        case .up: return (0, 1, w)
        case .mirrorHorizontal: return (w - 1, -1, w)
        case .rotate180: return ((h - 1) * w + w - 1, -1, -w)
        case .mirrorVertical: return ((h - 1) * w, 1, -w)
        case .transpose: return (0, w, 1)
        case .rotate90Clockwise: return ((h - 1) * w, -w, 1)
        case .transverse: return ((h - 1) * w + w - 1, -w, -1)
        case .rotate270Clockwise: return (w - 1, w, -1)
        }
    }

    /// `image` transformed so that it shows upright.
    public func apply(to image: RGBImage) -> RGBImage {
        if self == .up { return image }
        let out = orientedSize(image.size)
        let (origin, stepX, stepY) = walk(width: image.width, height: image.height)
        var pixels = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                var t = 0
                for y in 0..<out.height {
                    var s = origin + y * stepY
                    for _ in 0..<out.width {
                        target[t] = source[3 * s]
                        target[t + 1] = source[3 * s + 1]
                        target[t + 2] = source[3 * s + 2]
                        t += 3
                        s += stepX
                    }
                }
            }
        }
        return RGBImage(uncheckedWidth: out.width, height: out.height, pixels: pixels)
    }
}
