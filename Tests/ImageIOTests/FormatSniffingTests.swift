import Testing
@testable import ImageIO

@Suite struct FormatSniffingTests {
    @Test func recognisesEachSignatureFromLiteralBytes() {
        let cases: [([UInt8], ImageFormat)] = [
            ([0xFF, 0xD8, 0xFF, 0xE0], .jpeg),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], .png),
            (Array("GIF89a".utf8) + [1, 0], .gif),
            (Array("GIF87a".utf8), .gif),
            (Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8), .webp),
            (Array("BM".utf8) + [UInt8](repeating: 0, count: 12), .bmp),
            ([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0], .tiff),
            ([0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8], .tiff),
            ([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0], .heic),
        ]
        for (bytes, format) in cases {
            #expect(ImageFormat.sniff(bytes) == format, "\(bytes)")
        }
    }

    @Test func rejectsTextEmptyAndNearMisses() {
        #expect(ImageFormat.sniff([]) == nil)
        #expect(ImageFormat.sniff(Array("hello, world".utf8)) == nil)
        #expect(ImageFormat.sniff([0xFF, 0xD8]) == nil)                       // too short for JPEG
        #expect(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]) == nil) // cut PNG signature
        #expect(ImageFormat.sniff(Array("RIFF....WAVE".utf8)) == nil)
    }

    @Test func refusesRecognisedButUnsupportedFormatsByName() {
        let gif = Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20)
        #expect(throws: ImageError.unsupportedFormat(.gif)) { try ImageDecoder.decode(gif) }
        #expect(ImageError.unsupportedFormat(.gif).description.contains("unsupported format GIF"))
        #expect(throws: ImageError.notAnImage) { try ImageDecoder.decode(Array("plain text".utf8)) }
    }
}
