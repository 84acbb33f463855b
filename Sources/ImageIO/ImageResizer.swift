/// Anti-aliased resizing with a triangle (tent) filter whose support widens with the shrink
/// factor, so shrinking averages every source pixel it covers; when enlarging the support is one
/// pixel and the result is exactly bilinear interpolation (pixel centres aligned, edges clamped).
public enum ImageResizer {
    /// The taps of every output coordinate along one axis: output `o` sums the `count` source
    /// samples from `start[o]`, sample `start[o] + k` weighted by `weights[o * count + k]`.
    struct Taps {
        var start: [Int]
        var weights: [Float]  // (outputSize, count)
        var count: Int
    }

    /// Weight of a source pixel centred at `sourceCentre` for an output sample at `centre`.
    static func triangle(_ sourceCentre: Double, centre: Double, support: Double) -> Double {
        max(0, 1 - abs(sourceCentre - centre) / support)
    }

    /// Each output's weights over the window of source pixels around its centre, normalised in
    /// Double and rounded to Float. Of a window only its span of non-zero Float weights is kept,
    /// padded with zeros to the widest span of the axis (moved left where it would pass the
    /// edge): a zero weight adds +0 to a sum of non-negative products, which leaves it as it was,
    /// so the sums are those over the whole windows, in a loop of one length for every output
    /// (3 taps where the windows hold 4 or 5 for 480 -> 427).
    static func taps(from inputSize: Int, to outputSize: Int) -> Taps {
        let scale = Double(inputSize) / Double(outputSize)
        let support = max(scale, 1)
        let window = Int((support * 2).rounded(.up)) + 2  // the most source pixels one output's window holds
        var windowWeights = [Float](repeating: 0, count: outputSize * window)  // (outputSize, window)
        var spans: [(window: Int, first: Int, count: Int)] = []  // window start; its non-zero weights
        spans.reserveCapacity(outputSize)
        for o in 0..<outputSize {
            let centre = (Double(o) + 0.5) * scale
            let first = max(0, Int((centre - support).rounded(.down)))
            let last = min(inputSize - 1, Int((centre + support).rounded(.up)))
            var total = 0.0
            for i in first...last { total += triangle(Double(i) + 0.5, centre: centre, support: support) }
            var nonZero = (first: Int.max, last: -1)
            for i in first...last {
                let weight = Float(triangle(Double(i) + 0.5, centre: centre, support: support) / total)
                windowWeights[o * window + i - first] = weight
                if weight != 0 { nonZero = (min(nonZero.first, i), i) }
            }
            spans.append((first, nonZero.first, nonZero.last - nonZero.first + 1))
        }
        let count = spans.map(\.count).max() ?? 1
        var taps = Taps(start: [], weights: [Float](repeating: 0, count: outputSize * count), count: count)
        taps.start.reserveCapacity(outputSize)
        for (o, span) in spans.enumerated() {
            let start = min(span.first, inputSize - count)
            taps.start.append(start)
            for k in 0..<span.count {
                taps.weights[o * count + span.first - start + k] = windowWeights[o * window + span.first - span.window + k]
            }
        }
        return taps
    }

    /// `image` resized to `width` x `height` (each at least 1); aspect ratio is not preserved.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let outW = max(width, 1), outH = max(height, 1)
        if outW == image.width && outH == image.height { return image }
        let horizontal = taps(from: image.width, to: outW)
        let vertical = taps(from: image.height, to: outH)
        let stride = outW * 3
        // (image.height, outW, 3) floats and one more: the horizontal pass stores a pixel's sums
        // as 4 lanes, the 4th overwritten by the next pixel's R (the very last one's by nothing).
        let rowsCount = image.height * stride + 1
        let rows = [Float](unsafeUninitializedCapacity: rowsCount) { buffer, initialized in
            horizontalPass(image, horizontal, into: buffer.baseAddress!)
            initialized = rowsCount
        }
        let out = [UInt8](unsafeUninitializedCapacity: outH * stride) { buffer, initialized in
            rows.withUnsafeBufferPointer { verticalPass($0.baseAddress!, stride: stride, vertical, into: buffer.baseAddress!) }
            initialized = outH * stride
        }
        return RGBImage(uncheckedWidth: outW, height: outH, pixels: out)
    }

    // The passes work on raw pointers: with checked index arithmetic their loops do not vectorise.
    // Each sum starts from its first product rather than from 0 + it, as the products are never
    // -0 (weights and samples are non-negative) and 0 + p is p for every other p. The kernels take
    // the tap count as an argument and are called with constants 1...8, so that each compiles
    // with its tap loop unrolled (a loop of 2 or 3 taps costs more than its arithmetic).

    /// Every row of `image` filtered horizontally: `rows` (image.height, outW, 3) floats and one
    /// more. Each source row is converted to floats once; a pixel's R, G, B sums are the lanes of
    /// one SIMD4 (the 4th reads the next pixel's R and is not kept): 40% fewer instructions than
    /// three scalar sums, which the compiler vectorises only in part, for 4 times their time in
    /// debug builds (48 vs 12 ms for 480x270 -> 427x240).
    static func horizontalPass(_ image: RGBImage, _ taps: Taps, into rows: UnsafeMutablePointer<Float>) {
        let width = image.width, outW = taps.start.count
        let line = UnsafeMutablePointer<Float>.allocate(capacity: width * 3 + 1)  // (width, 3) floats and one more
        defer { line.deallocate() }
        line[width * 3] = 0
        let weights = taps.weights.map { SIMD4<Float>(repeating: $0) }  // (outW, count), each in every lane
        image.pixels.withUnsafeBufferPointer { source in
            taps.start.withUnsafeBufferPointer { starts in
                weights.withUnsafeBufferPointer { weights in
                    guard let pixels = source.baseAddress, let start = starts.baseAddress,
                          let weight = weights.baseAddress else { return }
                    for y in 0..<image.height {
                        let row = pixels + y * width * 3, target = rows + y * outW * 3
                        for i in 0..<width * 3 { line[i] = Float(row[i]) }
                        switch taps.count {
                        case 1: filterRow(line, start, weight, count: 1, outW, into: target)
                        case 2: filterRow(line, start, weight, count: 2, outW, into: target)
                        case 3: filterRow(line, start, weight, count: 3, outW, into: target)
                        case 4: filterRow(line, start, weight, count: 4, outW, into: target)
                        case 5: filterRow(line, start, weight, count: 5, outW, into: target)
                        case 6: filterRow(line, start, weight, count: 6, outW, into: target)
                        case 7: filterRow(line, start, weight, count: 7, outW, into: target)
                        case 8: filterRow(line, start, weight, count: 8, outW, into: target)
                        default: filterRow(line, start, weight, count: taps.count, outW, into: target)
                        }
                    }
                }
            }
        }
    }

    /// One row: `line` (width, 3) floats and one more -> `target` (outW, 3) floats and one more.
    @inline(__always)
    static func filterRow(_ line: UnsafePointer<Float>, _ start: UnsafePointer<Int>, _ weights: UnsafePointer<SIMD4<Float>>,
                          count: Int, _ outW: Int, into target: UnsafeMutablePointer<Float>) {
        var w = weights
        for o in 0..<outW {
            let sample = line + start[o] &* 3
            var sum = w[0] * UnsafeRawPointer(sample).loadUnaligned(as: SIMD4<Float>.self)
            for k in 1..<count { sum += w[k] * UnsafeRawPointer(sample + k &* 3).loadUnaligned(as: SIMD4<Float>.self) }
            UnsafeMutableRawPointer(target + o &* 3).storeBytes(of: sum, as: SIMD4<Float>.self)
            w += count
        }
    }

    /// The rows filtered vertically and rounded to bytes: `rows` (inputHeight, stride) floats ->
    /// `out` (outH, stride) bytes.
    static func verticalPass(_ rows: UnsafePointer<Float>, stride: Int, _ taps: Taps,
                             into out: UnsafeMutablePointer<UInt8>) {
        let count = taps.count
        taps.start.withUnsafeBufferPointer { starts in
            taps.weights.withUnsafeBufferPointer { weights in
                guard let start = starts.baseAddress, let weight = weights.baseAddress else { return }
                for o in 0..<starts.count {
                    let first = rows + start[o] * stride, w = weight + o * count, line = out + o * stride
                    switch count {
                    case 1: filterColumns(first, stride, w, count: 1, into: line)
                    case 2: filterColumns(first, stride, w, count: 2, into: line)
                    case 3: filterColumns(first, stride, w, count: 3, into: line)
                    case 4: filterColumns(first, stride, w, count: 4, into: line)
                    case 5: filterColumns(first, stride, w, count: 5, into: line)
                    case 6: filterColumns(first, stride, w, count: 6, into: line)
                    case 7: filterColumns(first, stride, w, count: 7, into: line)
                    case 8: filterColumns(first, stride, w, count: 8, into: line)
                    default: filterColumns(first, stride, w, count: count, into: line)
                    }
                }
            }
        }
    }

    /// One output row: the `count` rows from `first` (each `stride` floats), weighted by `w`,
    /// rounded to `line` (stride bytes). Plain scalar code, which the compiler vectorises once the
    /// tap loop is unrolled: as fast as SIMD16 sums (the same instruction count), and 5 times
    /// faster than them in debug builds, which the tests run.
    @inline(__always)
    static func filterColumns(_ first: UnsafePointer<Float>, _ stride: Int, _ w: UnsafePointer<Float>, count: Int,
                              into line: UnsafeMutablePointer<UInt8>) {
        for i in 0..<stride {
            var sum = w[0] * first[i]
            for k in 1..<count { sum += w[k] * first[k &* stride &+ i] }
            line[i] = toByte(sum)
        }
    }

    /// The same filter evaluated directly in two dimensions, pixel by pixel: slow and plain,
    /// kept to check `resize` against.
    public static func resizeReference(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let outW = max(width, 1), outH = max(height, 1)
        let sx = Double(image.width) / Double(outW), sy = Double(image.height) / Double(outH)
        let supportX = max(sx, 1), supportY = max(sy, 1)
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        for oy in 0..<outH {
            let cy = (Double(oy) + 0.5) * sy
            for ox in 0..<outW {
                let cx = (Double(ox) + 0.5) * sx
                var sum = [0.0, 0.0, 0.0], total = 0.0
                for y in 0..<image.height {
                    let wy = triangle(Double(y) + 0.5, centre: cy, support: supportY)
                    if wy == 0 { continue }
                    for x in 0..<image.width {
                        let w = wy * triangle(Double(x) + 0.5, centre: cx, support: supportX)
                        if w == 0 { continue }
                        let p = image.pixel(x: x, y: y)
                        sum[0] += w * Double(p.r); sum[1] += w * Double(p.g); sum[2] += w * Double(p.b)
                        total += w
                    }
                }
                for c in 0..<3 { out[(oy * outW + ox) * 3 + c] = toByteReference(Float(sum[c] / total)) }
            }
        }
        return RGBImage(uncheckedWidth: outW, height: outH, pixels: out)
    }

    /// `value` rounded half away from zero and clipped to 0...255: `toByteReference` without its
    /// libm call (`rounded()` is one per pixel without SSE4.1) and without a conversion to an
    /// integer, which the compiler does not vectorise (it traps out of range). The clipped value
    /// c plus 2^23 holds the nearest integer n (ties to even) in its low mantissa bits; c - n is
    /// exact, and is 0.5 only where a tie went down, where rounding half away from zero gives n + 1.
    @inline(__always) static func toByte(_ value: Float) -> UInt8 {
        let clipped = min(max(value, 0), 255)
        let shifted = clipped + 8_388_608  // 2^23 + n
        let nearest = Int32(bitPattern: shifted.bitPattern) &- 0x4B00_0000  // less the bits of 2^23
        return UInt8(truncatingIfNeeded: nearest &+ (clipped - (shifted - 8_388_608) >= 0.5 ? 1 : 0))
    }

    /// The plain rule `toByte` is checked against.
    static func toByteReference(_ value: Float) -> UInt8 {
        UInt8(min(max(value.rounded(), 0), 255))
    }
}

extension RGBImage {
    /// This image resized with `ImageResizer.resize` (anti-aliased when shrinking).
    public func resized(width: Int, height: Int) -> RGBImage {
        ImageResizer.resize(self, width: width, height: height)
    }
}
