import Foundation

/// Readers for the files depthd writes, independent of its encoders: NumPy .npy and binary PLY.
enum DepthFiles {
    struct NPY { var shape: [Int]; var values: [Float] }

    /// A version 1.0 `<f4` C-order .npy; nil for anything else.
    static func npy(_ bytes: [UInt8]) -> NPY? {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8), bytes[6] == 1 else { return nil }
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        guard (10 + length) % 64 == 0, bytes.count >= 10 + length else { return nil }
        let header = String(decoding: bytes[10..<10 + length], as: UTF8.self)
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
        else { return nil }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let data = Array(bytes[(10 + length)...])
        guard data.count == 4 * shape.reduce(1, *) else { return nil }
        let values = stride(from: 0, to: data.count, by: 4).map { i in
            Float(bitPattern: UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24)
        }
        return NPY(shape: shape, values: values)
    }

    struct PLY {
        var comments: [String: String]
        var points: [(x: Float, y: Float, z: Float, r: UInt8, g: UInt8, b: UInt8)]
    }

    /// A binary little-endian PLY with exactly depthd's vertex layout (x, y, z float; red, green, blue uchar).
    static func ply(_ bytes: [UInt8]) -> PLY? {
        let marker = Array("end_header\n".utf8)
        guard let end = (0...(max(0, bytes.count - marker.count))).first(where: { Array(bytes[$0..<$0 + marker.count]) == marker }) else { return nil }
        let lines = String(decoding: bytes[0..<end], as: UTF8.self).split(separator: "\n").map(String.init)
        let layout = ["property float x", "property float y", "property float z",
                      "property uchar red", "property uchar green", "property uchar blue"]
        guard lines.first == "ply", lines.contains("format binary_little_endian 1.0"),
              lines.filter({ $0.hasPrefix("property") }) == layout,
              let countLine = lines.first(where: { $0.hasPrefix("element vertex ") }),
              let count = Int(countLine.dropFirst("element vertex ".count))
        else { return nil }
        var comments: [String: String] = [:]
        for line in lines where line.hasPrefix("comment ") {
            let parts = line.dropFirst("comment ".count).split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { comments[parts[0]] = parts[1] }
        }
        let body = Array(bytes[(end + marker.count)...])
        guard body.count == count * 15 else { return nil }
        func float(_ at: Int) -> Float {
            Float(bitPattern: UInt32(body[at]) | UInt32(body[at + 1]) << 8 | UInt32(body[at + 2]) << 16 | UInt32(body[at + 3]) << 24)
        }
        let points = (0..<count).map { i in
            (x: float(15 * i), y: float(15 * i + 4), z: float(15 * i + 8), r: body[15 * i + 12], g: body[15 * i + 13], b: body[15 * i + 14])
        }
        return PLY(comments: comments, points: points)
    }
}
