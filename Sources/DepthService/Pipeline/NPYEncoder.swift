import ImageIO

/// NumPy's `.npy` format, version 1.0, for a depth grid: `<f4` (float32 little-endian), C order,
/// shape (height, width), metres, NaN where there is no estimate (non-finite or not positive).
/// `numpy.load(path)` reads it.
public enum NPYEncoder {
    public static func encode(_ grid: FloatGrid) -> [UInt8] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(grid.height), \(grid.width)), }"
        // Magic (6) + version (2) + length (2) + header + "\n", padded with spaces to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = header.utf8.count
        out += [UInt8(length & 0xFF), UInt8(length >> 8)]
        out += Array(header.utf8)
        out.reserveCapacity(out.count + 4 * grid.values.count)
        for value in grid.values {
            let bits = (value.isFinite && value > 0 ? value : Float.nan).bitPattern
            out += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return out
    }
}
