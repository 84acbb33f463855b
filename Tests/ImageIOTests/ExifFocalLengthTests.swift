import Foundation
import Testing
@testable import ImageIO

/// Focal lengths read from the EXIF of real JPEG files (written by Pillow, see
/// Fixtures/make_fixtures.py `make_lens_jpegs`), in the upright photo's pixels.
@Suite struct ExifFocalLengthTests {
    @Test func thirtyFiveMillimetreTagWinsAndMatchesTheDiagonal() throws {
        let header = try ImageDecoder.probe(try Fixtures.bytes("exif_35mm.jpg"))
        #expect(header.exif.focalLengthMM == 4.25 && header.exif.focalLength35mm == 26)
        let focal = try #require(header.exifFocalLength)
        // 26 mm on a 43.27 mm diagonal, over the photo's 80-pixel diagonal (64x48).
        #expect(focal.source == .focalLength35mm)
        #expect(abs(focal.pixels - 26 * 80 / (36.0 * 36 + 24 * 24).squareRoot()) < 1e-9)
    }

    @Test func withoutThe35MillimetreTagTheFocalPlaneResolutionConvertsMillimetres() throws {
        let header = try ImageDecoder.probe(try Fixtures.bytes("exif_focalplane.jpg"))
        #expect(header.exif.focalLength35mm == nil)
        let focal = try #require(header.exifFocalLength)
        #expect(focal.source == .focalPlane)
        #expect(abs(focal.pixels - 4.8 * 100 / 10) < 1e-9)  // 4.8 mm at 100 px/cm
    }

    @Test func rotatedPhotoUsesTheAxisThatIsHorizontalUprightAndItsResizedDimension() throws {
        let header = try ImageDecoder.probe(try Fixtures.bytes("exif_focalplane_rotated.jpg"))
        #expect(header.orientation == .rotate90Clockwise)
        #expect(header.size == PixelSize(width: 48, height: 64))
        let focal = try #require(header.exifFocalLength)
        // Upright horizontal = stored Y (125 px/cm), and the file was resized from 96 to 48 rows.
        #expect(abs(focal.pixels - 4.8 * 125 / 10 * 48 / 96) < 1e-9)
    }

    @Test func photosWithoutLensTagsHaveNoFocalLength() throws {
        #expect(try ImageDecoder.probe(try Fixtures.bytes("baseline.jpg")).exifFocalLength == nil)
        #expect(try ImageDecoder.probe(try Fixtures.bytes("orientation6.jpg")).exifFocalLength == nil)
        #expect(try ImageDecoder.probe(try Fixtures.bytes("png_rgb8.png")).exifFocalLength == nil)
    }

    @Test func truncatedExifLosesTheLensTagsButNotTheImage() throws {
        let whole = try Fixtures.bytes("exif_35mm.jpg")
        for cut in stride(from: 20, to: 200, by: 7) {
            // Every prefix of the APP1 segment: no crash, no out-of-bounds read, either nothing or the truth.
            var bytes = whole
            bytes.removeSubrange(cut..<min(bytes.count, cut + 40))
            let metadata = ExifReader.jpegMetadata(bytes)
            if let f35 = metadata.focalLength35mm { #expect(f35 == 26) }
        }
    }
}
