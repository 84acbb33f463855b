import CImageCodecs

/// Bounds on what the decoder accepts, all checked from the header before pixels are allocated.
public struct DecodeLimits: Sendable, Equatable {
    /// Largest accepted width x height of the stored image (default 40 megapixels).
    public var maxPixels: Int
    /// Largest accepted width or height (default 65,500, libjpeg's own maximum).
    public var maxDimension: Int
    /// Most scans a progressive JPEG may have (normal files have about 10).
    public var maxProgressiveScans: Int

    public init(maxPixels: Int = 40_000_000, maxDimension: Int = 65_500, maxProgressiveScans: Int = 100) {
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
        self.maxProgressiveScans = maxProgressiveScans
    }
}

/// What the header says about an image, before any pixel is decoded.
public struct ImageHeader: Sendable, Equatable {
    public let format: ImageFormat
    /// Size as stored in the file.
    public let storedSize: PixelSize
    /// From the EXIF APP1 segment of a JPEG; `.up` for PNG and JPEGs without one.
    public let orientation: Orientation
    /// The JPEG's EXIF (orientation and lens tags); empty for PNG and JPEGs without one.
    public let exif: ExifMetadata

    public init(format: ImageFormat, storedSize: PixelSize, orientation: Orientation, exif: ExifMetadata = ExifMetadata()) {
        self.format = format
        self.storedSize = storedSize
        self.orientation = orientation
        self.exif = exif
    }
    /// Size once upright (width and height exchanged for orientations 5-8).
    public var size: PixelSize { orientation.orientedSize(storedSize) }
    /// The focal length in upright pixels from EXIF (see `ExifMetadata.focalLengthPixels`), nil without the tags.
    public var exifFocalLength: (pixels: Double, source: ExifMetadata.FocalSource)? {
        exif.focalLengthPixels(storedSize: storedSize)
    }
}

/// Decodes JPEG and PNG bytes into upright 8-bit RGB.
///
/// - JPEG: baseline and progressive, gray (replicated to RGB), YCbCr/RGB, and CMYK/YCCK
///   converted naively without an ICC profile (Adobe-inverted CMYK recognised). libjpeg
///   warnings (truncation, corrupt entropy data, extraneous bytes) are errors, so a damaged file
///   never yields a grey-filled partial image. EXIF orientation (APP1) is applied.
/// - PNG: every colour type and bit depth, interlaced or not. 16-bit samples are rounded to 8
///   bits; alpha and tRNS transparency are composited over white (depth has no use for alpha,
///   and white is what a viewer shows behind a transparent photo); gAMA/iCCP are ignored. The
///   file is read through IEND, so truncation anywhere is an error. PNG eXIf is not read.
///
/// Memory is bounded by `DecodeLimits.maxPixels`, not by the size of the input: the header is
/// read and checked first, then exactly one RGB buffer of the (possibly DCT-scaled) size is
/// allocated and filled by the C codec.
public enum ImageDecoder {
    /// Sniffs the format and reads the header; throws `ImageError` for anything not decodable
    /// or over `limits`.
    public static func probe(_ bytes: [UInt8], limits: DecodeLimits = DecodeLimits()) throws -> ImageHeader {
        guard let format = ImageFormat.sniff(bytes) else { throw ImageError.notAnImage }
        let width: Int, height: Int
        switch format {
        case .jpeg:
            var header = cic_jpeg_header()
            try CodecCall.run(.jpeg) { message in
                bytes.withUnsafeBufferPointer { cic_jpeg_probe($0.baseAddress, $0.count, &header, message) }
            }
            width = Int(header.width)
            height = Int(header.height)
        case .png:
            var header = cic_png_header()
            try CodecCall.run(.png) { message in
                bytes.withUnsafeBufferPointer { cic_png_probe($0.baseAddress, $0.count, &header, message) }
            }
            width = Int(header.width)
            height = Int(header.height)
        default:
            throw ImageError.unsupportedFormat(format)
        }
        guard width > 0, height > 0, width <= limits.maxDimension, height <= limits.maxDimension else {
            throw ImageError.invalidDimensions(width: width, height: height, maxDimension: limits.maxDimension)
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= limits.maxPixels else {
            throw ImageError.tooManyPixels(width: width, height: height, limit: limits.maxPixels)
        }
        let exif = format == .jpeg ? ExifReader.jpegMetadata(bytes) : ExifMetadata()
        return ImageHeader(format: format, storedSize: PixelSize(width: width, height: height),
                           orientation: exif.orientation, exif: exif)
    }

    /// Decodes `bytes` into an upright RGB image.
    ///
    /// With `minimumSize` (in upright pixels), a JPEG is decoded at the smallest DCT scale
    /// n/8 whose result is still at least that large in both directions, which is several times
    /// faster for photos much larger than needed. Without it, or for PNG, decoding is full size.
    public static func decode(_ bytes: [UInt8], minimumSize: PixelSize? = nil,
                              limits: DecodeLimits = DecodeLimits()) throws -> RGBImage {
        try decode(bytes, header: try probe(bytes, limits: limits), minimumSize: minimumSize, limits: limits)
    }

    /// `decode` of `bytes` whose header `probe(bytes, limits: limits)` has already read, for
    /// callers that needed the header first (it is not read twice).
    public static func decode(_ bytes: [UInt8], header: ImageHeader, minimumSize: PixelSize?,
                              limits: DecodeLimits) throws -> RGBImage {
        let stored: RGBImage
        switch header.format {
        case .jpeg:
            let scale = minimumSize.map { jpegScale(header: header, minimumSize: $0) } ?? 8
            stored = try decodeJPEG(bytes, storedSize: header.storedSize, scale: scale, limits: limits)
        default:
            stored = try decodePNG(bytes, size: header.storedSize)
        }
        return header.orientation.apply(to: stored)
    }

    /// The numerator n (of n/8) with the fewest pixels that still covers `minimumSize` upright.
    public static func jpegScale(header: ImageHeader, minimumSize: PixelSize) -> Int {
        let needed = header.orientation.orientedSize(minimumSize)  // same swap maps upright -> stored
        for n in 1...8 {
            let size = scaledSize(header.storedSize, scale: n)
            if size.width >= needed.width && size.height >= needed.height { return n }
        }
        return 8
    }

    /// libjpeg's output size at scale n/8: each side rounded up.
    public static func scaledSize(_ size: PixelSize, scale n: Int) -> PixelSize {
        PixelSize(width: (size.width * n + 7) / 8, height: (size.height * n + 7) / 8)
    }

    static func decodeJPEG(_ bytes: [UInt8], storedSize: PixelSize, scale: Int,
                           limits: DecodeLimits) throws -> RGBImage {
        let size = scaledSize(storedSize, scale: scale)
        let count = size.width * size.height * 3
        let pixels: [UInt8] = try CodecCall.decode(.jpeg, count: count, maxScans: limits.maxProgressiveScans) { output, message in
            bytes.withUnsafeBufferPointer { input in
                cic_jpeg_decode(input.baseAddress, input.count, Int32(scale),
                                Int32(clamping: limits.maxProgressiveScans), output, count,
                                UInt32(size.width), UInt32(size.height), message)
            }
        }
        return RGBImage(uncheckedWidth: size.width, height: size.height, pixels: pixels)
    }

    static func decodePNG(_ bytes: [UInt8], size: PixelSize) throws -> RGBImage {
        let count = size.width * size.height * 3
        let pixels: [UInt8] = try CodecCall.decode(.png, count: count) { output, message in
            bytes.withUnsafeBufferPointer { input in
                cic_png_decode(input.baseAddress, input.count, output, count,
                               UInt32(size.width), UInt32(size.height), message)
            }
        }
        return RGBImage(uncheckedWidth: size.width, height: size.height, pixels: pixels)
    }
}
