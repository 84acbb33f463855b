import Testing
@testable import ImageIO

/// Malformed files (issue 6 item 4): each gives the right error with a clear message, never a
/// partial image and never a crash.
@Suite struct HostileFileTests {
    static func error(decoding name: String, limits: DecodeLimits = DecodeLimits()) throws -> ImageError? {
        let bytes = try Fixtures.bytes(name)
        do {
            _ = try ImageDecoder.decode(bytes, limits: limits)
            return nil
        } catch let error as ImageError {
            return error
        }
    }

    @Test(arguments: ["hostile_truncated.jpg", "hostile_truncated_progressive.jpg", "hostile_truncated.png",
                      "hostile_no_iend.png"])
    func truncatedFilesAreRefusedAsTruncated(name: String) throws {
        let error = try Self.error(decoding: name)
        guard case .truncated = error else {
            Issue.record("\(name): expected truncated, got \(String(describing: error))")
            return
        }
        #expect(error!.description.hasPrefix("truncated"))
    }

    @Test func truncatedHeaderIsAnError() throws {
        let error = try #require(try Self.error(decoding: "hostile_truncated_header.jpg"))
        #expect(error.description.contains("JPEG"), "\(error)")
    }

    @Test func corruptEntropyDataIsRefusedNotGreyFilled() throws {
        let error = try #require(try Self.error(decoding: "hostile_corrupt_data.jpg"))
        guard case .corrupt(.jpeg, let detail) = error else {
            Issue.record("expected corrupt JPEG, got \(error)")
            return
        }
        #expect(!detail.isEmpty)
    }

    @Test func badCRCIsCorruptPNG() throws {
        let error = try Self.error(decoding: "hostile_bad_crc.png")
        #expect(error?.description == "corrupt PNG: IDAT: CRC error")
    }

    @Test func hugeDeclaredDimensionsAreRefusedFromTheHeader() throws {
        let jpeg = try Self.error(decoding: "hostile_huge_dimensions.jpg")
        #expect(jpeg == .tooManyPixels(width: 60000, height: 60000, limit: 40_000_000))
        #expect(jpeg?.description == "image is 60000x60000 = 3600.0 MP, above the limit of 40 MP")
        let png = try Self.error(decoding: "hostile_huge_dimensions.png")
        #expect(png == .invalidDimensions(width: 100000, height: 100000, maxDimension: 65_500))
    }

    @Test func zeroDimensionsAreRefused() throws {
        let jpeg = try #require(try Self.error(decoding: "hostile_zero_height.jpg"))
        let png = try #require(try Self.error(decoding: "hostile_zero_width.png"))
        #expect(jpeg.description.contains("JPEG"), "\(jpeg)")
        #expect(png.description.contains("PNG"), "\(png)")
    }

    @Test func excessiveProgressiveScansAreRefused() throws {
        let error = try Self.error(decoding: "hostile_many_scans.jpg")
        #expect(error == .tooManyScans(limit: 100))
        #expect(error?.description.contains("more than 100 scans") == true)
        // The same file decodes when the limit allows its 883 scans: the limit is what refuses it.
        #expect(try Self.error(decoding: "hostile_many_scans.jpg", limits: DecodeLimits(maxProgressiveScans: 900)) == nil)
    }

    @Test(arguments: [("hostile_header.gif", ImageFormat.gif), ("hostile_header.bmp", .bmp),
                      ("hostile_header.webp", .webp), ("hostile_header.tif", .tiff), ("hostile_header.heic", .heic)])
    func otherFormatsAreRefusedByName(name: String, format: ImageFormat) throws {
        let error = try Self.error(decoding: name)
        #expect(error == .unsupportedFormat(format))
        #expect(error?.description == "unsupported format \(format.name); send a JPEG or PNG")
    }

    @Test(arguments: ["hostile_text.txt", "hostile_empty.bin"])
    func nonImagesAreRefused(name: String) throws {
        #expect(try Self.error(decoding: name) == .notAnImage)
    }

    /// Decode memory is bounded by the pixel cap: an image over a lowered cap is refused at the
    /// probe, whatever the size of the upload.
    @Test func pixelCapIsConfigurableAndCheckedBeforeDecoding() throws {
        let bytes = try Fixtures.bytes("baseline.jpg") + [UInt8](repeating: 0, count: 1 << 20)
        let limits = DecodeLimits(maxPixels: 3000)
        #expect(throws: ImageError.tooManyPixels(width: 64, height: 48, limit: 3000)) {
            try ImageDecoder.probe(bytes, limits: limits)
        }
        #expect(ImageError.tooManyPixels(width: 9000, height: 9000, limit: 40_000_000).description
                == "image is 9000x9000 = 81.0 MP, above the limit of 40 MP")
    }

    /// Every prefix of a valid JPEG and PNG either decodes completely or throws; none crashes.
    @Test func everyTruncationOfValidFilesFailsCleanly() throws {
        for name in ["progressive.jpg", "png_rgb8_interlaced.png"] {
            let whole = try Fixtures.bytes(name)
            for cut in stride(from: 0, to: whole.count, by: 7) {
                #expect(throws: ImageError.self) { try ImageDecoder.decode(Array(whole[..<cut])) }
            }
        }
    }
}
