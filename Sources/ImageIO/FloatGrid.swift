/// A single-channel grid of floats, row-major: `values` is (height, width). Depth maps use it.
public struct FloatGrid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// (height, width) values, rows top to bottom.
    public var values: [Float]

    /// Wraps `values`; fails when its count is not width * height or a side is not positive.
    public init(width: Int, height: Int, values: [Float]) throws {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max),
              values.count == width * height
        else {
            throw ImageError.invalidArgument("\(values.count) values do not make a \(width)x\(height) grid")
        }
        self.width = width
        self.height = height
        self.values = values
    }

    init(uncheckedWidth width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }

    /// A rectangle in grid coordinates, where pixel (i, j) covers [i, i+1) x [j, j+1).
    public struct Region: Sendable, Equatable {
        public var x0: Double, y0: Double, x1: Double, y1: Double
        public init(x0: Double, y0: Double, x1: Double, y1: Double) {
            self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
        }
    }

    /// Bilinear resampling to `width` x `height`. The output spans `region` of this grid (the
    /// whole grid by default; a larger region extends the border values outward). Pixel centres
    /// are aligned; samples outside the grid take the nearest edge value.
    ///
    /// Each source row is first interpolated across to the output's width, once; every output row
    /// is then one vectorised blend of two of those rows. The arithmetic is that of
    /// `resampledBilinearReference`, operation for operation, so the results are bit-identical.
    public func resampledBilinear(width outW: Int, height outH: Int, region: Region? = nil) -> FloatGrid {
        let w = max(outW, 1), h = max(outH, 1)
        let out = [Float](unsafeUninitializedCapacity: w * h) { buffer, initialized in
            resampleBilinear(into: buffer, width: w, height: h, region: region)
            initialized = w * h
        }
        return FloatGrid(uncheckedWidth: w, height: h, values: out)
    }

    /// `resampledBilinear`'s values and size in a pooled block (`PooledFloats`) rather than an
    /// array, for the duration of `body`: a photo-size grid is megabytes, which an array would map
    /// and fault in anew for every answer.
    public func withResampledBilinear<R>(width outW: Int, height outH: Int, region: Region? = nil,
                                         _ body: (UnsafeBufferPointer<Float>, PixelSize) throws -> R) rethrows -> R {
        let size = PixelSize(width: max(outW, 1), height: max(outH, 1))
        let values = PooledFloats(uninitializedCount: size.width * size.height)      // (h, w)
        values.withUnsafeMutableBufferPointer { resampleBilinear(into: $0, width: size.width, height: size.height, region: region) }
        return try values.withUnsafeBufferPointer { try body($0, size) }
    }

    /// The values of `resampledBilinear(width: w, height: h, region: region)`, written into the
    /// first w * h floats of `target` ((h, w), row-major; w and h at least 1).
    public func resampleBilinear(into target: UnsafeMutableBufferPointer<Float>, width w: Int, height h: Int, region: Region? = nil) {
        precondition(w > 0 && h > 0 && target.count >= w * h, "\(target.count) floats cannot hold a \(w)x\(h) grid")
        let r = region ?? Region(x0: 0, y0: 0, x1: Double(width), y1: Double(height))
        let xs = Self.lerpTable(count: w, from: r.x0, to: r.x1, limit: width)
        let ys = Self.lerpTable(count: h, from: r.y0, to: r.y1, limit: height)
        let across = PooledFloats(uninitializedCount: height * w)          // (height, w)
        values.withUnsafeBufferPointer { v in
            across.withUnsafeMutableBufferPointer { a in
                for y in 0..<height {
                    let source = v.baseAddress! + y * width, row = a.baseAddress! + y * w
                    for ox in 0..<w {
                        let (x0, x1, fx) = xs[ox]
                        row[ox] = source[x0] * (1 - fx) + source[x1] * fx
                    }
                }
            }
        }
        across.withUnsafeBufferPointer { a in
            for oy in 0..<h {
                let (y0, y1, fy) = ys[oy]
                let top = a.baseAddress! + y0 * w, bottom = a.baseAddress! + y1 * w
                let row = target.baseAddress! + oy * w
                let keep = 1 - fy
                for ox in 0..<w { row[ox] = top[ox] * keep + bottom[ox] * fy }
            }
        }
    }

    /// `resampledBilinear` computed pixel by pixel from the four neighbours: slow and plain, kept
    /// to check it against.
    public func resampledBilinearReference(width outW: Int, height outH: Int, region: Region? = nil) -> FloatGrid {
        let w = max(outW, 1), h = max(outH, 1)
        let r = region ?? Region(x0: 0, y0: 0, x1: Double(width), y1: Double(height))
        let xs = Self.lerpTable(count: w, from: r.x0, to: r.x1, limit: width)
        let ys = Self.lerpTable(count: h, from: r.y0, to: r.y1, limit: height)
        var out = [Float](repeating: 0, count: w * h)
        values.withUnsafeBufferPointer { v in
            for oy in 0..<h {
                let (y0, y1, fy) = ys[oy]
                for ox in 0..<w {
                    let (x0, x1, fx) = xs[ox]
                    let top = v[y0 * width + x0] * (1 - fx) + v[y0 * width + x1] * fx
                    let bottom = v[y1 * width + x0] * (1 - fx) + v[y1 * width + x1] * fx
                    out[oy * w + ox] = top * (1 - fy) + bottom * fy
                }
            }
        }
        return FloatGrid(uncheckedWidth: w, height: h, values: out)
    }

    /// For each output index: the two source indices and the weight of the second.
    private static func lerpTable(count: Int, from start: Double, to end: Double, limit: Int) -> [(Int, Int, Float)] {
        (0..<count).map { o in
            let position = start + (Double(o) + 0.5) * (end - start) / Double(count) - 0.5
            let clamped = min(max(position, 0), Double(limit - 1))
            let i0 = Int(clamped.rounded(.down))
            let i1 = min(i0 + 1, limit - 1)
            return (i0, i1, Float(clamped - Double(i0)))
        }
    }
}
