import Foundation

/// The pixels of the tests' synthetic photo: a smooth photo-like pattern with a few edges (a bright
/// disc, a sine ripple, a diagonal step), interleaved RGB, (height, width, 3). The ImageIO and
/// pipeline tests wrap it in their `RGBImage`; this target depends on nothing.
public func syntheticPhotoPixels(width: Int, height: Int) -> [UInt8] {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)  // (height, width, 3)
    for y in 0..<height {
        for x in 0..<width {
            let fx = Double(x) / Double(width), fy = Double(y) / Double(height)
            let i = (y * width + x) * 3
            let disc = (fx - 0.6) * (fx - 0.6) + (fy - 0.4) * (fy - 0.4) < 0.04
            pixels[i] = UInt8(disc ? 230 : 40 + 150 * fx)
            pixels[i + 1] = UInt8(60 + 120 * fy + 40 * sin(fx * 12))
            pixels[i + 2] = UInt8(fx + fy > 1.2 ? 200 : 90)
        }
    }
    return pixels
}
