import Foundation
import ImageIO
import TestSupport

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

/// The synthetic photo (TestSupport's pattern: a smooth photo-like image with a few edges).
func syntheticPhoto(width: Int, height: Int) -> RGBImage {
    try! RGBImage(width: width, height: height, pixels: syntheticPhotoPixels(width: width, height: height))
}
