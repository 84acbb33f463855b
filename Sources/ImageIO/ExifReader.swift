/// Finds the EXIF orientation in a JPEG's APP1 segment. Every read is bounds-checked; anything
/// malformed or missing means `.up` (a bad EXIF block never makes a decodable image fail).
public enum ExifReader {
    /// The orientation declared by the first APP1 "Exif" segment before the first scan.
    public static func jpegOrientation(_ bytes: [UInt8]) -> Orientation {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return .up }
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { return .up }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { i += 2; continue }  // no length
            if marker == 0xDA || marker == 0xD9 { return .up }  // scan data or end: no more headers
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { return .up }
            let start = i + 4, end = i + 2 + length
            if marker == 0xE1, end - start >= 6, Array(bytes[start..<start + 6]) == exifHeader {
                return tiffOrientation(bytes, from: start + 6, to: end) ?? .up
            }
            i = end
        }
        return .up
    }

    private static let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]  // "Exif\0\0"

    /// Reads tag 0x0112 from IFD0 of the TIFF structure in bytes[base..<end].
    static func tiffOrientation(_ bytes: [UInt8], from base: Int, to end: Int) -> Orientation? {
        guard end - base >= 8 else { return nil }
        let littleEndian: Bool
        switch (bytes[base], bytes[base + 1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= base, at + 2 <= end else { return nil }
            let a = Int(bytes[at]), b = Int(bytes[at + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(littleEndian ? at : at + 2), let high = u16(littleEndian ? at + 2 : at) else {
                return nil
            }
            return high << 16 | low
        }
        guard u16(base + 2) == 42, let ifdOffset = u32(base + 4), ifdOffset <= end - base,
              let count = u16(base + ifdOffset)
        else { return nil }
        for entry in 0..<count {
            let at = base + ifdOffset + 2 + entry * 12
            guard let tag = u16(at), let type = u16(at + 2), let valueCount = u32(at + 4) else { return nil }
            guard tag == 0x0112 else { continue }
            guard valueCount == 1 else { return nil }
            let value: Int?
            switch type {
            case 3: value = u16(at + 8)   // SHORT, the type the standard prescribes
            case 4: value = u32(at + 8)   // LONG, written by some tools
            default: value = nil
            }
            return value.flatMap { Orientation(rawValue: $0) }
        }
        return nil
    }
}
