/// Reads what depthd needs from a JPEG's EXIF APP1 segment: the orientation (IFD0) and the lens
/// tags of the EXIF sub-IFD. Every read is bounds-checked; anything malformed or missing is left
/// out (a bad EXIF block never makes a decodable image fail).
public enum ExifReader {
    /// The orientation declared by the first APP1 "Exif" segment before the first scan.
    public static func jpegOrientation(_ bytes: [UInt8]) -> Orientation {
        jpegMetadata(bytes).orientation
    }

    /// The EXIF of the first APP1 "Exif" segment before the first scan; empty when there is none.
    public static func jpegMetadata(_ bytes: [UInt8]) -> ExifMetadata {
        guard let (start, end) = exifSegment(bytes) else { return ExifMetadata() }
        return TIFFReader(bytes: bytes, base: start, end: end)?.metadata() ?? ExifMetadata()
    }

    private static let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]  // "Exif\0\0"

    /// The bounds of the TIFF structure inside the first EXIF APP1 segment.
    static func exifSegment(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { i += 2; continue }  // no length
            if marker == 0xDA || marker == 0xD9 { return nil }  // scan data or end: no more headers
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { return nil }
            let start = i + 4, end = i + 2 + length
            if marker == 0xE1, end - start >= 6, Array(bytes[start..<start + 6]) == exifHeader {
                return (start + 6, end)
            }
            i = end
        }
        return nil
    }

    /// Reads tag 0x0112 from IFD0 of the TIFF structure in bytes[base..<end].
    static func tiffOrientation(_ bytes: [UInt8], from base: Int, to end: Int) -> Orientation? {
        TIFFReader(bytes: bytes, base: base, end: end)?.metadata().orientationTag
    }
}

/// Bounds-checked reads of one TIFF structure (EXIF's container) in bytes[base..<end].
struct TIFFReader {
    let bytes: [UInt8], base: Int, end: Int, littleEndian: Bool

    init?(bytes: [UInt8], base: Int, end: Int) {
        guard base >= 0, end <= bytes.count, end - base >= 8 else { return nil }
        switch (bytes[base], bytes[base + 1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        (self.bytes, self.base, self.end) = (bytes, base, end)
        guard u16(base + 2) == 42 else { return nil }
    }

    func u16(_ at: Int) -> Int? {
        guard at >= base, at + 2 <= end else { return nil }
        let a = Int(bytes[at]), b = Int(bytes[at + 1])
        return littleEndian ? a | b << 8 : a << 8 | b
    }

    func u32(_ at: Int) -> Int? {
        guard let low = u16(littleEndian ? at : at + 2), let high = u16(littleEndian ? at + 2 : at) else { return nil }
        return high << 16 | low
    }

    /// An entry's single numeric value: SHORT or LONG inline, RATIONAL (unsigned) at its offset.
    /// nil for other types, counts other than 1, a zero denominator or a value outside the structure.
    func value(ofEntryAt at: Int) -> Double? {
        guard let type = u16(at + 2), let count = u32(at + 4), count == 1 else { return nil }
        switch type {
        case 3: return u16(at + 8).map(Double.init)                  // SHORT
        case 4: return u32(at + 8).map(Double.init)                  // LONG
        case 5:                                                      // RATIONAL: offset to two LONGs
            guard let offset = u32(at + 8), let numerator = u32(base + offset),
                  let denominator = u32(base + offset + 4), denominator != 0 else { return nil }
            return Double(numerator) / Double(denominator)
        default: return nil
        }
    }

    /// tag -> value for the entries of the IFD at `offset` (from the TIFF start) whose tag is in `tags`.
    func entries(ofIFDAt offset: Int, tags: Set<Int>) -> [Int: Double]? {
        guard offset >= 8, offset <= end - base, let count = u16(base + offset) else { return nil }
        var found: [Int: Double] = [:]
        for entry in 0..<count {
            let at = base + offset + 2 + entry * 12
            guard let tag = u16(at), at + 12 <= end else { return nil }
            if tags.contains(tag), found[tag] == nil, let value = value(ofEntryAt: at) { found[tag] = value }
        }
        return found
    }

    func metadata() -> ExifMetadata {
        guard let ifdOffset = u32(base + 4),
              let ifd0 = entries(ofIFDAt: ifdOffset, tags: [ExifMetadata.Tag.orientation, ExifMetadata.Tag.exifIFD])
        else { return ExifMetadata() }
        var metadata = ExifMetadata()
        metadata.orientationTag = ifd0[ExifMetadata.Tag.orientation].flatMap { Orientation(rawValue: Int($0)) }
        if let pointer = ifd0[ExifMetadata.Tag.exifIFD], let exif = entries(ofIFDAt: Int(pointer), tags: ExifMetadata.Tag.lens) {
            let positive = { (tag: Int) -> Double? in exif[tag].flatMap { $0.isFinite && $0 > 0 ? $0 : nil } }
            metadata.focalLengthMM = positive(ExifMetadata.Tag.focalLength)
            metadata.focalLength35mm = positive(ExifMetadata.Tag.focalLength35mm)
            metadata.focalPlaneXResolution = positive(ExifMetadata.Tag.focalPlaneXResolution)
            metadata.focalPlaneYResolution = positive(ExifMetadata.Tag.focalPlaneYResolution)
            metadata.focalPlaneResolutionUnit = exif[ExifMetadata.Tag.focalPlaneResolutionUnit].map { Int($0) }
            metadata.pixelXDimension = positive(ExifMetadata.Tag.pixelXDimension).map { Int($0) }
            metadata.pixelYDimension = positive(ExifMetadata.Tag.pixelYDimension).map { Int($0) }
        }
        return metadata
    }
}
