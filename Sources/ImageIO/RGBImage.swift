/// A width x height pair in pixels.
public struct PixelSize: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)" }
}

/// An 8-bit RGB image, interleaved and row-major: `pixels` is (height, width, 3).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// (height, width, 3) bytes: R, G, B for each pixel, rows top to bottom.
    public var pixels: [UInt8]

    /// Wraps `pixels`; fails when its count is not width * height * 3 or a side is not positive.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max),
              pixels.count == width * height * 3
        else {
            throw ImageError.invalidArgument("\(pixels.count) bytes do not make a \(width)x\(height) RGB image")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of one colour.
    public init(width: Int, height: Int, filledWith rgb: (UInt8, UInt8, UInt8)) {
        self.width = max(width, 1)
        self.height = max(height, 1)
        var pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = rgb.0
            pixels[i + 1] = rgb.1
            pixels[i + 2] = rgb.2
        }
        self.pixels = pixels
    }

    /// Trusted initialiser for buffers this module produced with the right size.
    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public var size: PixelSize { PixelSize(width: width, height: height) }

    /// The R, G, B bytes of the pixel at column `x`, row `y` (both must be in range).
    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// The centred `width` x `height` region (each clamped to the image's own size).
    public func centreCropped(width cropWidth: Int, height cropHeight: Int) -> RGBImage {
        let w = min(max(cropWidth, 1), width), h = min(max(cropHeight, 1), height)
        return cropped(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
    }

    /// The `width` x `height` region whose top-left pixel is (`x`, `y`), clamped to the image.
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> RGBImage {
        let w = min(max(cropWidth, 1), width), h = min(max(cropHeight, 1), height)
        let x0 = min(max(x, 0), width - w), y0 = min(max(y, 0), height - h)
        let out = [UInt8](unsafeUninitializedCapacity: w * h * 3) { target, initialized in
            pixels.withUnsafeBufferPointer { source in
                // One copy per row (the window of every 4:3 photo is cut here).
                for y in 0..<h {
                    let from = ((y0 + y) * width + x0) * 3
                    UnsafeMutableRawPointer(target.baseAddress! + y * w * 3)
                        .copyMemory(from: source.baseAddress! + from, byteCount: w * 3)
                }
            }
            initialized = w * h * 3
        }
        return RGBImage(uncheckedWidth: w, height: h, pixels: out)
    }

    /// Copies `image` into this one with its top-left pixel at (`x`, `y`), clipped to this image.
    public mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        for row in max(0, -y)..<min(image.height, height - y) {
            let columns = max(0, -x)..<min(image.width, width - x)
            guard !columns.isEmpty else { continue }
            let from = (row * image.width + columns.lowerBound) * 3, to = ((row + y) * width + columns.lowerBound + x) * 3
            pixels.replaceSubrange(to..<to + columns.count * 3, with: image.pixels[from..<from + columns.count * 3])
        }
    }
}
