import CBLAS

/// Geometry of one square-kernel convolution layer.
struct ConvolutionShape: Equatable {
    var inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    var height: Int, width: Int

    var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    var outArea: Int { outHeight * outWidth }
    /// (outHeight, outWidth).
    var outSize: (Int, Int) { (outHeight, outWidth) }
    /// Rows of the im2col matrix: one per (input channel, ky, kx), matching a (Cout, C, k, k) weight.
    var columnRows: Int { inChannels * kernel * kernel }
    /// Multiply-adds x 2 of one image.
    var flopsPerImage: Double { 2.0 * Double(outChannels * columnRows * outArea) }

    /// Output rows per sgemm when one image's im2col matrix would be large but the weights are
    /// small: the im2col block then stays in cache between being written and being packed, and
    /// re-packing the small weight matrix per block costs little. Otherwise all rows.
    var rowsPerBlock: Int {
        guard outChannels * columnRows <= 131_072 else { return outHeight }
        return max(1, min(outHeight, 262_144 / max(columnRows * outWidth, 1)))
    }

    /// Images per sgemm: enough that each product has at least `minimumColumns` columns, so the
    /// small late layers run as one wide product over the batch while the workspace stays bounded.
    /// One image when its rows are split into blocks.
    func groupSize(batch: Int, minimumColumns: Int = 4096) -> Int {
        guard rowsPerBlock == outHeight else { return 1 }
        return min(max(batch, 1), max(1, (minimumColumns + outArea - 1) / outArea))
    }

    /// Values of the im2col scratch for a batch: (C * k * k, group * rows * ow).
    func columnCount(batch: Int) -> Int {
        columnRows * groupSize(batch: batch) * rowsPerBlock * outWidth
    }
}

/// Convolution as im2col + sgemm, in the channel-major (C, N, H, W) layout the engine keeps
/// between layers, so that a group of images is one product whose result lands in place. The
/// engine's path on CPUs without AVX2 + FMA; elsewhere `DirectConvolution` runs.
enum Convolution {
    /// input: (C, N, H, W); weight: (Cout, C * k * k); bias: (Cout); output: (Cout, N, oh, ow);
    /// columns: (C * k * k, groupSize * oh * ow) scratch.
    static func forward(_ input: UnsafePointer<Float>, batch: Int, shape: ConvolutionShape,
                        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, relu: Bool,
                        output: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>, groupSize: Int) {
        let area = shape.outArea
        // A single output channel makes sgemm a matrix-vector product that spends its time packing
        // im2col columns; accumulating shifted rows directly is several times faster there.
        if shape.outChannels == 1, shape.stride == 1 {
            singleChannel(input, batch: batch, shape: shape, weight: weight, bias: bias[0], relu: relu, output: output)
            return
        }
        let rowBlock = shape.rowsPerBlock
        var first = 0
        while first < batch {
            let count = rowBlock < shape.outHeight ? 1 : min(groupSize, batch - first)
            var row = 0
            while row < shape.outHeight {
                let rows = row..<min(row + rowBlock, shape.outHeight)
                let width = count * rows.count * shape.outWidth
                im2col(input, batch: batch, first: first, count: count, rows: rows, shape: shape, columns: columns)
                // output[:, first..<first+count, rows, :] (Cout, width), row stride batch * area
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                            Int32(shape.outChannels), Int32(width), Int32(shape.columnRows),
                            1, weight, Int32(shape.columnRows), columns, Int32(width),
                            0, output + first * area + rows.lowerBound * shape.outWidth, Int32(batch * area))
                row = rows.upperBound
            }
            first += count
        }
        addBias(output, bias: bias, channels: shape.outChannels, planeLength: batch * area, relu: relu)
    }

    /// Direct stride-1 convolution to one output channel: for every weight, adds the weighted shifted
    /// input rows. input: (C, N, H, W); weight: (1, C * k * k); output: (1, N, oh, ow).
    static func singleChannel(_ input: UnsafePointer<Float>, batch: Int, shape: ConvolutionShape,
                              weight: UnsafePointer<Float>, bias: Float, relu: Bool, output: UnsafeMutablePointer<Float>) {
        let (h, w, k, p) = (shape.height, shape.width, shape.kernel, shape.padding)
        let (oh, ow) = (shape.outHeight, shape.outWidth)
        output.update(repeating: bias, count: batch * oh * ow)
        for image in 0..<batch {
            let target = output + image * oh * ow // (oh, ow)
            for c in 0..<shape.inChannels {
                let plane = input + (c * batch + image) * h * w // (H, W)
                for ky in 0..<k {
                    for kx in 0..<k {
                        let coefficient = weight[(c * k + ky) * k + kx]
                        let low = min(ow, max(0, p - kx))
                        let high = max(low, min(ow, w + p - kx))
                        for oy in max(0, p - ky)..<max(max(0, p - ky), min(oh, h + p - ky)) {
                            let source = plane + (oy + ky - p) * w + kx - p
                            let row = target + oy * ow
                            for ox in low..<high { row[ox] += coefficient * source[ox] }
                        }
                    }
                }
            }
        }
        if relu { for i in 0..<(batch * oh * ow) { output[i] = max(output[i], 0) } }
    }

    /// Unfolds output rows `rows` of images first..<first+count of (C, N, H, W) into columns
    /// (C * k * k, count * rows.count * ow).
    static func im2col(_ input: UnsafePointer<Float>, batch: Int, first: Int, count: Int, rows: Range<Int>,
                       shape: ConvolutionShape, columns: UnsafeMutablePointer<Float>) {
        let (h, w, k, s, p) = (shape.height, shape.width, shape.kernel, shape.stride, shape.padding)
        let (oh, ow) = (rows.count, shape.outWidth)
        let rowLength = count * oh * ow
        for c in 0..<shape.inChannels {
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = columns + ((c * k + ky) * k + kx) * rowLength // (count, oh, ow)
                    // Output columns ox whose input column ox * s + kx - p lies inside 0..<w.
                    let low = min(ow, max(0, (p - kx + s - 1) / s))
                    let lastInside = w - 1 + p - kx
                    let high = lastInside < 0 ? low : max(low, min(ow, lastInside / s + 1))
                    for image in 0..<count {
                        let plane = input + (c * batch + first + image) * h * w // (H, W)
                        for oy in rows {
                            let target = row + (image * oh + oy - rows.lowerBound) * ow // (ow)
                            let y = oy * s + ky - p
                            guard y >= 0, y < h else {
                                target.update(repeating: 0, count: ow)
                                continue
                            }
                            target.update(repeating: 0, count: low)
                            let source = plane + y * w + kx - p
                            if s == 1 {
                                (target + low).update(from: source + low, count: high - low)
                            } else {
                                for ox in low..<high { target[ox] = source[ox * s] }
                            }
                            (target + high).update(repeating: 0, count: ow - high)
                        }
                    }
                }
            }
        }
    }

    /// values: (channels, planeLength); adds bias[c] to channel c, then ReLU if asked.
    static func addBias(_ values: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                        channels: Int, planeLength: Int, relu: Bool) {
        for c in 0..<channels {
            let plane = values + c * planeLength, b = bias[c]
            if relu {
                for i in 0..<planeLength { plane[i] = max(plane[i] + b, 0) }
            } else {
                for i in 0..<planeLength { plane[i] += b }
            }
        }
    }
}

/// Swaps the two outer axes: source (a, b, inner) -> target (b, a, inner); converts between the
/// public (N, C, H, W) layout and the engine's (C, N, H, W).
func swapOuterAxes(_ source: UnsafePointer<Float>, _ a: Int, _ b: Int, inner: Int, into target: UnsafeMutablePointer<Float>) {
    for i in 0..<a {
        for j in 0..<b {
            (target + (j * a + i) * inner).update(from: source + (i * b + j) * inner, count: inner)
        }
    }
}
