import Testing
@testable import ImageIO

@Suite struct OrientationTests {
    /// Each fixture stores the same upright 48x32 picture (red block top-left, right half blue)
    /// transformed by the inverse of its EXIF orientation; decoding must undo it.
    @Test(arguments: 1...8)
    func markedCornerEndsUpTopLeft(orientation: Int) throws {
        let bytes = try Fixtures.bytes("orientation\(orientation).jpg")
        #expect(ExifReader.jpegOrientation(bytes).rawValue == orientation)
        let image = try ImageDecoder.decode(bytes)
        #expect(image.size == PixelSize(width: 48, height: 32))
        let corner = image.pixel(x: 3, y: 3)
        #expect(corner.r > 200 && corner.g < 60 && corner.b < 60, "top-left is \(corner)")
        let right = image.pixel(x: 44, y: 28), bottomLeft = image.pixel(x: 3, y: 28)
        #expect(right.b > 200 && right.r < 60, "bottom-right is \(right)")
        #expect(bottomLeft.r > 200 && bottomLeft.g > 200, "bottom-left is \(bottomLeft)")
    }

    /// A 3x2 image with distinct pixels, checked against each orientation's definition.
    @Test func transformsMatchTheirDefinitions() throws {
        // Stored:  a b c
        //          d e f
        let stored = try RGBImage(width: 3, height: 2, pixels: (0..<6).flatMap { [UInt8($0), 0, 0] })
        func rows(_ o: Orientation) -> [[UInt8]] {
            let image = o.apply(to: stored)
            return (0..<image.height).map { y in (0..<image.width).map { x in image.pixel(x: x, y: y).r } }
        }
        #expect(rows(.up) == [[0, 1, 2], [3, 4, 5]])
        #expect(rows(.mirrorHorizontal) == [[2, 1, 0], [5, 4, 3]])
        #expect(rows(.rotate180) == [[5, 4, 3], [2, 1, 0]])
        #expect(rows(.mirrorVertical) == [[3, 4, 5], [0, 1, 2]])
        #expect(rows(.transpose) == [[0, 3], [1, 4], [2, 5]])
        #expect(rows(.rotate90Clockwise) == [[3, 0], [4, 1], [5, 2]])
        #expect(rows(.transverse) == [[5, 2], [4, 1], [3, 0]])
        #expect(rows(.rotate270Clockwise) == [[2, 5], [1, 4], [0, 3]])
    }
}

@Suite struct ExifReaderTests {
    /// SOI, APP1 "Exif" with a TIFF header and one IFD0 entry, then SOS.
    static func jpeg(tiff: [UInt8], declaredLength: Int? = nil) -> [UInt8] {
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = declaredLength ?? payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + [0xFF, 0xDA, 0, 2]
    }

    static let littleEndian6: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0,  1, 0,
                                         0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,  0, 0, 0, 0]
    static let bigEndian8: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8,  0, 1,
                                      0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0,  0, 0, 0, 0]

    @Test func readsOrientationInBothByteOrders() {
        #expect(ExifReader.jpegOrientation(Self.jpeg(tiff: Self.littleEndian6)) == .rotate90Clockwise)
        #expect(ExifReader.jpegOrientation(Self.jpeg(tiff: Self.bigEndian8)) == .rotate270Clockwise)
    }

    @Test func malformedExifMeansUpright() {
        // Declared segment longer than the file.
        #expect(ExifReader.jpegOrientation(Self.jpeg(tiff: Self.littleEndian6, declaredLength: 4000)) == .up)
        // IFD offset pointing past the segment.
        var farOffset = Self.littleEndian6
        farOffset[4] = 0xF0
        #expect(ExifReader.jpegOrientation(Self.jpeg(tiff: farOffset)) == .up)
        // Entry count larger than the data.
        var manyEntries = Self.littleEndian6
        manyEntries[8] = 0xFF
        manyEntries[10] = 0x00  // first entry is no longer the orientation tag
        #expect(ExifReader.jpegOrientation(Self.jpeg(tiff: manyEntries)) == .up)
        // Orientation value out of range.
        var nine = Self.littleEndian6
        nine[18] = 9
        #expect(ExifReader.jpegOrientation(Self.jpeg(tiff: nine)) == .up)
        // Every truncation of a valid file.
        let whole = Self.jpeg(tiff: Self.littleEndian6)
        for cut in 0..<whole.count - 4 {
            #expect(ExifReader.jpegOrientation(Array(whole[..<cut])) == .up)
        }
        // Not a JPEG at all.
        #expect(ExifReader.jpegOrientation(Array("Exif".utf8)) == .up)
    }
}
