import ImageIO

/// `ImageResizer.resize` as it was before its loops were rewritten for speed (commit b0d80d6),
/// copied verbatim: the contract that the fast loops keep bit for bit (same Float weights from
/// the same Double computation, the same Float operations in the same order for every value).
/// Only the tests use it; `ImageResizer.resizeReference` remains the plain 2-D filter.
enum PreviousImageResizer {
    /// Taps of one output coordinate: the first source index and its normalised weights.
    struct Taps {
        var start: [Int]
        var count: [Int]
        var weights: [Float]  // (outputSize, maxCount)
        var maxCount: Int
    }

    /// Weight of a source pixel centred at `sourceCentre` for an output sample at `centre`.
    static func triangle(_ sourceCentre: Double, centre: Double, support: Double) -> Double {
        max(0, 1 - abs(sourceCentre - centre) / support)
    }

    static func taps(from inputSize: Int, to outputSize: Int) -> Taps {
        let scale = Double(inputSize) / Double(outputSize)
        let support = max(scale, 1)
        let maxCount = Int((support * 2).rounded(.up)) + 2
        var taps = Taps(start: [], count: [], weights: [Float](repeating: 0, count: outputSize * maxCount),
                        maxCount: maxCount)
        for o in 0..<outputSize {
            let centre = (Double(o) + 0.5) * scale
            let first = max(0, Int((centre - support).rounded(.down)))
            let last = min(inputSize - 1, Int((centre + support).rounded(.up)))
            var raw: [Double] = []
            for i in first...last { raw.append(triangle(Double(i) + 0.5, centre: centre, support: support)) }
            let total = raw.reduce(0, +)
            taps.start.append(first)
            taps.count.append(raw.count)
            for (k, w) in raw.enumerated() { taps.weights[o * maxCount + k] = Float(w / total) }
        }
        return taps
    }

    /// `image` resized to `width` x `height` (each at least 1); aspect ratio is not preserved.
    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let outW = max(width, 1), outH = max(height, 1)
        if outW == image.width && outH == image.height { return image }
        let horizontal = taps(from: image.width, to: outW)
        let vertical = taps(from: image.height, to: outH)
        // Horizontal pass: (image.height, outW, 3) floats.
        var rows = [Float](repeating: 0, count: image.height * outW * 3)
        image.pixels.withUnsafeBufferPointer { source in
            rows.withUnsafeMutableBufferPointer { target in
                horizontal.weights.withUnsafeBufferPointer { weights in
                    horizontal.start.withUnsafeBufferPointer { starts in
                        horizontal.count.withUnsafeBufferPointer { counts in
                            guard let pixelBase = source.baseAddress, let weightBase = weights.baseAddress else { return }
                            for y in 0..<image.height {
                                let row = pixelBase + y * image.width * 3
                                var t = y * outW * 3
                                for o in 0..<outW {
                                    var r: Float = 0, g: Float = 0, b: Float = 0
                                    var s = row + starts[o] * 3
                                    let w = weightBase + o * horizontal.maxCount
                                    for k in 0..<counts[o] {
                                        r += w[k] * Float(s[0]); g += w[k] * Float(s[1]); b += w[k] * Float(s[2])
                                        s += 3
                                    }
                                    target[t] = r; target[t + 1] = g; target[t + 2] = b
                                    t += 3
                                }
                            }
                        }
                    }
                }
            }
        }
        // Vertical pass: (outH, outW, 3) bytes.
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        let stride = outW * 3
        var accumulator = [Float](repeating: 0, count: stride)
        rows.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                accumulator.withUnsafeMutableBufferPointer { sum in
                    // Raw pointers: with checked index arithmetic (base + i) the loops do not vectorise.
                    guard let acc = sum.baseAddress, let rowBase = source.baseAddress, let outBase = target.baseAddress else { return }
                    for o in 0..<outH {
                        for i in 0..<stride { acc[i] = 0 }
                        for k in 0..<vertical.count[o] {
                            let w = vertical.weights[o * vertical.maxCount + k]
                            let row = rowBase + (vertical.start[o] + k) * stride
                            for i in 0..<stride { acc[i] += w * row[i] }
                        }
                        let line = outBase + o * stride
                        for i in 0..<stride { line[i] = toByte(acc[i]) }
                    }
                }
            }
        }
        return try! RGBImage(width: outW, height: outH, pixels: out)
    }

    /// `value` rounded half away from zero and clipped to 0...255 (as `ImageResizer.toByte`).
    @inline(__always) static func toByte(_ value: Float) -> UInt8 {
        let clipped = min(max(value, 0), 255)
        let whole = Int32(clipped)
        return UInt8(truncatingIfNeeded: whole &+ (clipped - Float(whole) >= 0.5 ? 1 : 0))
    }
}
