import Testing
@testable import ImageIO
import TestSupport

/// `RGBImage.cropped` (a window's pixels, one row copy at a time) gives what a pixel-by-pixel
/// reference gives, for rectangles inside the image, at its edges and clamped from outside it.
@Suite struct CropTests {
    /// The plain rule: the rectangle clamped to at least 1 and at most the image, its origin moved
    /// inside, every pixel copied.
    static func reference(_ image: RGBImage, x: Int, y: Int, width: Int, height: Int) -> [UInt8] {
        let w = min(max(width, 1), image.width), h = min(max(height, 1), image.height)
        let x0 = min(max(x, 0), image.width - w), y0 = min(max(y, 0), image.height - h)
        var out: [UInt8] = []
        for row in y0..<(y0 + h) {
            for column in x0..<(x0 + w) {
                let at = (row * image.width + column) * 3
                out += image.pixels[at..<(at + 3)]
            }
        }
        return out
    }

    @Test(arguments: [(8, 8, 304, 228), (0, 0, 320, 240), (16, 12, 304, 228), (319, 239, 1, 1),
                      (-5, -7, 10, 10), (300, 230, 50, 50), (0, 0, 400, 300), (10, 20, 0, -3)])
    func cropsEqualThePixelByPixelReference(x: Int, y: Int, width: Int, height: Int) throws {
        var random = SplitMix64(state: 77)
        let image = try RGBImage(width: 320, height: 240, pixels: (0..<(320 * 240 * 3)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        let crop = image.cropped(x: x, y: y, width: width, height: height)
        let expected = Self.reference(image, x: x, y: y, width: width, height: height)
        #expect(crop.pixels == expected)
        #expect(crop.width * crop.height * 3 == expected.count)
    }
}
