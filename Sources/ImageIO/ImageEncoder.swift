import CImageCodecs

/// PNG and JPEG encoding through the C layer.
public enum ImageEncoder {
    /// The filter every row of an RGB PNG gets (PNG 9.2).
    public enum RowFilter: Int32, Sendable {
        /// Rows as they are: best for colour-mapped previews, whose few colours repeat exactly
        /// (136 vs 156 KB with Sub for the 640x480 preview of scripts/bench-codecs.sh, and faster).
        case none = 0
        /// Each byte minus the same channel of the pixel to its left: suits photos.
        case sub = 1
        /// Each byte minus the one above.
        case up = 2
    }

    /// An 8-bit RGB PNG of `image`, every row with `filter`, compressed by the C layer's own deflate.
    public static func png(_ image: RGBImage, filter: RowFilter = .none) throws -> [UInt8] {
        try png(image) { rgb, width, height, out, size, message in
            cic_png_encode_rgb8(rgb, width, height, filter.rawValue, out, size, message)
        }
    }

    /// The same pixels as `png` through libpng (adaptive filters, zlib level 1): the reference.
    public static func pngReference(_ image: RGBImage) throws -> [UInt8] {
        try png(image, encoder: cic_png_encode_rgb8_libpng)
    }

    private typealias RGBEncoder = (UnsafePointer<UInt8>?, UInt32, UInt32, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
                                    UnsafeMutablePointer<Int>?, UnsafeMutablePointer<CChar>?) -> Int32

    private static func png(_ image: RGBImage, encoder: RGBEncoder) throws -> [UInt8] {
        try collect(.png) { out, size, message in
            image.pixels.withUnsafeBufferPointer {
                encoder($0.baseAddress, UInt32(image.width), UInt32(image.height), out, size, message)
            }
        }
    }

    /// A 16-bit grayscale PNG of `values` ((height, width), row-major) with one tEXt chunk per
    /// entry of `text`. Keys are 1-79 printable Latin-1 characters; values contain no NUL.
    /// Up filter, the C layer's own deflate.
    public static func png16(_ values: [UInt16], width: Int, height: Int,
                             text: [(key: String, value: String)] = []) throws -> [UInt8] {
        try values.withUnsafeBufferPointer { try png16($0, width: width, height: height, text: text, encoder: cic_png_encode_gray16) }
    }

    /// The same samples and chunks as `png16` through libpng (Up filter, zlib level 1): the reference.
    public static func png16Reference(_ values: [UInt16], width: Int, height: Int,
                                      text: [(key: String, value: String)] = []) throws -> [UInt8] {
        try values.withUnsafeBufferPointer {
            try png16($0, width: width, height: height, text: text, encoder: cic_png_encode_gray16_libpng)
        }
    }

    /// The bytes `png16` gives for `Sample16.quantize(values, scale: scale)` (`scale` finite and
    /// positive: millimetres per metre for a depth map), quantising row by row in the encoder
    /// instead of holding the samples whole.
    public static func png16(quantizing values: [Float], scale: Float, width: Int, height: Int,
                             text: [(key: String, value: String)] = []) throws -> [UInt8] {
        try values.withUnsafeBufferPointer { try png16(quantizing: $0, scale: scale, width: width, height: height, text: text) }
    }

    /// `png16(quantizing:)` of floats held outside an array (a pooled grid).
    public static func png16(quantizing values: UnsafeBufferPointer<Float>, scale: Float, width: Int, height: Int,
                             text: [(key: String, value: String)] = []) throws -> [UInt8] {
        guard scale.isFinite, scale > 0 else { throw ImageError.invalidArgument("PNG sample scale \(scale) is not finite and positive") }
        return try png16(values, width: width, height: height, text: text) {
            cic_png_encode_gray16_quantized($0, $1, $2, scale, $3, $4, $5, $6, $7, $8)
        }
    }

    private typealias Gray16Encoder<Sample> = (UnsafePointer<Sample>?, UInt32, UInt32, UnsafePointer<UnsafePointer<CChar>?>?,
                                               UnsafePointer<UnsafePointer<CChar>?>?, Int32,
                                               UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<Int>?,
                                               UnsafeMutablePointer<CChar>?) -> Int32

    private static func png16<Sample>(_ values: UnsafeBufferPointer<Sample>, width: Int, height: Int, text: [(key: String, value: String)],
                                      encoder: Gray16Encoder<Sample>) throws -> [UInt8] {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max),
              values.count == width * height
        else { throw ImageError.invalidArgument("\(values.count) values do not make a \(width)x\(height) grid") }
        for entry in text {
            let scalars = entry.key.unicodeScalars
            guard (1...79).contains(scalars.count),
                  scalars.allSatisfy({ (0x20...0x7E).contains($0.value) || (0xA1...0xFF).contains($0.value) }),
                  scalars.first != " ", scalars.last != " ", !entry.key.contains("  "),
                  !entry.value.unicodeScalars.contains(where: { $0.value == 0 || $0.value > 0xFF })
            else { throw ImageError.invalidArgument("PNG text key \"\(entry.key)\" or its value is not valid Latin-1 tEXt") }
        }
        // tEXt is Latin-1: pass each string as Latin-1 bytes.
        let keys = text.map { latin1CString($0.key) }, texts = text.map { latin1CString($0.value) }
        let keyPointers = keys.map { strdupBytes($0) }, textPointers = texts.map { strdupBytes($0) }
        defer { (keyPointers + textPointers).forEach { $0.deallocate() } }
        let constKeys: [UnsafePointer<CChar>?] = keyPointers.map { UnsafePointer($0) }
        let constTexts: [UnsafePointer<CChar>?] = textPointers.map { UnsafePointer($0) }
        return try collect(.png) { out, size, message in
            constKeys.withUnsafeBufferPointer { k in
                constTexts.withUnsafeBufferPointer { t in
                    encoder(values.baseAddress, UInt32(width), UInt32(height), k.baseAddress,
                            t.baseAddress, Int32(text.count), out, size, message)
                }
            }
        }
    }

    /// A JPEG of `image` (quality 1-100; 4:2:0 chroma; progressive when asked).
    public static func jpeg(_ image: RGBImage, quality: Int = 90, progressive: Bool = false) throws -> [UInt8] {
        guard (1...100).contains(quality) else { throw ImageError.invalidArgument("JPEG quality \(quality) is not 1-100") }
        return try collect(.jpeg) { out, size, message in
            image.pixels.withUnsafeBufferPointer {
                cic_jpeg_encode_rgb8($0.baseAddress, UInt32(image.width), UInt32(image.height), Int32(quality),
                                     progressive ? 1 : 0, out, size, message)
            }
        }
    }

    private static func latin1CString(_ string: String) -> [CChar] {
        string.unicodeScalars.map { CChar(bitPattern: UInt8(truncatingIfNeeded: $0.value)) } + [0]
    }

    private static func strdupBytes(_ bytes: [CChar]) -> UnsafeMutablePointer<CChar> {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return pointer
    }

    /// Runs an encoder that returns C-allocated bytes, copies them out and frees them.
    private static func collect(
        _ format: ImageFormat,
        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>) -> Int32
    ) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        do {
            try CodecCall.run(format) { message in body(&out, &size, message) }
        } catch let ImageError.corrupt(_, detail) {
            throw ImageError.encodingFailed(format, detail: detail)
        }
        defer { cic_free(out) }
        guard let out else { throw ImageError.encodingFailed(format, detail: "encoder returned no data") }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
