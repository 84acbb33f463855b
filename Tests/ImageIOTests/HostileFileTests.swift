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

    // The details are the codecs' messages: libjpeg-turbo's (its warnings JWRN_JPEG_EOF and
    // JWRN_HIT_MARKER, which depthd treats as errors) and the PNG reader's of CImageCodecs.
    @Test(arguments: [
        ("hostile_truncated.jpg", ImageError.truncated(.jpeg, detail: "Premature end of JPEG file")),
        ("hostile_truncated_progressive.jpg", .truncated(.jpeg, detail: "Premature end of JPEG file")),
        ("hostile_truncated.png", .truncated(.png, detail: "file ends early")),
        ("hostile_no_iend.png", .truncated(.png, detail: "file ends early")),
    ])
    func truncatedFilesAreRefusedAsTruncated(name: String, expected: ImageError) throws {
        let error = try Self.error(decoding: name)
        #expect(error == expected, "\(name)")
        #expect(error?.description.hasPrefix("truncated ") == true)
    }

    @Test func truncatedHeaderIsRefusedAsATruncatedJPEG() throws {
        let error = try Self.error(decoding: "hostile_truncated_header.jpg")
        #expect(error == .truncated(.jpeg, detail: "Premature end of JPEG file"))
        #expect(error?.description == "truncated JPEG: Premature end of JPEG file")
    }

    @Test func corruptEntropyDataIsRefusedNotGreyFilled() throws {
        let error = try Self.error(decoding: "hostile_corrupt_data.jpg")
        #expect(error == .corrupt(.jpeg, detail: "Corrupt JPEG data: premature end of data segment"))
        #expect(error?.description == "corrupt JPEG: Corrupt JPEG data: premature end of data segment")
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

    /// A zero side is refused by the codecs as they read the header (before ImageIO's own
    /// dimension check sees it), as corrupt.
    @Test func zeroDimensionsAreRefusedAsCorrupt() throws {
        let jpeg = try Self.error(decoding: "hostile_zero_height.jpg")
        let png = try Self.error(decoding: "hostile_zero_width.png")
        #expect(jpeg == .corrupt(.jpeg, detail: "Empty JPEG image (DNL not supported)"))
        #expect(jpeg?.description == "corrupt JPEG: Empty JPEG image (DNL not supported)")
        #expect(png == .corrupt(.png, detail: "Invalid IHDR data"))
        #expect(png?.description == "corrupt PNG: Invalid IHDR data")
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
