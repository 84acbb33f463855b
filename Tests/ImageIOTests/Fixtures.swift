import Foundation
import ImageIO

/// Reads the committed fixtures made by Fixtures/make_fixtures.py.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }
}

/// Mean and largest absolute difference between two equally sized byte arrays.
func differences(_ a: [UInt8], _ b: [UInt8]) -> (mean: Double, max: Int) {
    precondition(a.count == b.count && !a.isEmpty, "test helper needs equal, non-empty arrays")
    var total = 0, largest = 0
    for i in a.indices {
        let d = abs(Int(a[i]) - Int(b[i]))
        total += d
        largest = max(largest, d)
    }
    return (Double(total) / Double(a.count), largest)
}

/// A smooth synthetic photo-like pattern with a few edges, (height, width, 3).
func syntheticPhoto(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
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
    return try! RGBImage(width: width, height: height, pixels: pixels)
}
