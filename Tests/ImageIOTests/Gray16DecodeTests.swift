import ImageIO
import Testing

@Suite struct Gray16DecodeTests {
    @Test func sixteenBitGrayRoundTripsExactly() throws {
        let values: [UInt16] = [0, 1, 255, 256, 4095, 32768, 65534, 65535, 1234, 4321, 7, 60000]
        let decoded = try Gray16Image.decodePNG(ImageEncoder.png16(values, width: 4, height: 3))
        #expect(decoded.width == 4 && decoded.height == 3)
        #expect(decoded.values == values)
    }

    @Test func otherImagesAreRefused() throws {
        let rgb = try ImageEncoder.png(RGBImage(width: 2, height: 2, filledWith: (1, 2, 3)))
        #expect(throws: ImageError.unsupportedVariant(.png, detail: "not a 16-bit grayscale PNG")) {
            try Gray16Image.decodePNG(rgb)
        }
        let jpeg = try ImageEncoder.jpeg(RGBImage(width: 8, height: 8, filledWith: (1, 2, 3)))
        #expect(throws: ImageError.unsupportedVariant(.jpeg, detail: "not a 16-bit grayscale PNG")) {
            try Gray16Image.decodePNG(jpeg)
        }
    }

    @Test func truncatedSixteenBitPNGIsAnError() throws {
        let bytes = try ImageEncoder.png16([UInt16](repeating: 500, count: 64 * 64), width: 64, height: 64)
        #expect(throws: ImageError.self) { try Gray16Image.decodePNG(Array(bytes.prefix(bytes.count - 20))) }
    }
}
