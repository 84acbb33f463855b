import CDirectConvolution

/// Max pooling without padding in ceil mode: windows that run past the bottom or right border are
/// kept and cover only the pixels that exist (PyTorch's `ceil_mode=True`).
enum MaxPool {
    /// Output length along one axis: ceil((length - window) / stride) + 1, dropping a last window
    /// that would start outside the input (impossible without padding, kept for the general rule).
    static func outputLength(_ length: Int, window: Int, stride: Int) -> Int {
        guard length >= window else { return length > 0 ? 1 : 0 }
        var count = (length - window + stride - 1) / stride + 1
        if (count - 1) * stride >= length { count -= 1 }
        return count
    }

    /// Pools `planes` independent (height, width) planes. Separable: each output row first takes the
    /// column-wise max over its window rows, then the max over each horizontal window.
    /// input: (planes, height, width); output: (planes, oh, ow); rowScratch: (width).
    static func forward(_ input: UnsafePointer<Float>, planes: Int, height: Int, width: Int,
                        window: Int, stride: Int, output: UnsafeMutablePointer<Float>,
                        rowScratch: UnsafeMutablePointer<Float>) {
        let outHeight = outputLength(height, window: window, stride: stride)
        let outWidth = outputLength(width, window: window, stride: stride)
        for plane in 0..<planes {
            let source = input + plane * height * width          // (height, width)
            let target = output + plane * outHeight * outWidth   // (oh, ow)
            for oy in 0..<outHeight {
                let y0 = oy * stride, y1 = min(y0 + window, height)
                // rowScratch: (width) column-wise max over rows y0..<y1
                let first = source + y0 * width
                for x in 0..<width { rowScratch[x] = first[x] }
                for y in (y0 + 1)..<max(y1, y0 + 1) {
                    let row = source + y * width
                    for x in 0..<width { rowScratch[x] = max(rowScratch[x], row[x]) }
                }
                for ox in 0..<outWidth {
                    let x0 = ox * stride, x1 = min(x0 + window, width)
                    var best = rowScratch[x0]
                    for x in (x0 + 1)..<max(x1, x0 + 1) { best = max(best, rowScratch[x]) }
                    target[oy * outWidth + ox] = best
                }
            }
        }
    }
}

extension MaxPool {
    /// `forward` with the planes split over `threads` threads, each with its own row scratch; 3x3
    /// stride-2 windows (the network's) run CDirectConvolution's AVX-512 kernel where the CPU has it.
    /// input: (planes, height, width); output: (planes, oh, ow). `isa` (tests only) runs a narrower
    /// instruction set than the CPU's.
    static func forward(_ input: UnsafePointer<Float>, planes: Int, height: Int, width: Int,
                        window: Int, stride: Int, output: UnsafeMutablePointer<Float>, threads: Int,
                        instructionSet: Int = DirectConvolution.instructionSet) {
        let (outHeight, outWidth) = (outputLength(height, window: window, stride: stride), outputLength(width, window: window, stride: stride))
        let isa = Int32(instructionSet)
        let direct = window == 3 && stride == 2 && dc_max_pool_available(isa) != 0
        // Each part reads and writes its own planes.
        nonisolated(unsafe) let (source, target) = (input, output)
        ParallelParts.run(planes, parts: threads) { first, end in
            // A few hundred floats: temporary (on the stack where it fits), not a heap buffer per part and call.
            withUnsafeTemporaryAllocation(of: Float.self, capacity: Int(dc_max_pool_scratch_count(Int32(width)))) { buffer in // (width + 64)
                let scratch = buffer.baseAddress!
                if direct {
                    dc_max_pool_3x3s2(isa, source + first * height * width, Int64(end - first), Int32(height), Int32(width),
                                      Int32(outHeight), Int32(outWidth), target + first * outHeight * outWidth, scratch)
                } else {
                    forward(source + first * height * width, planes: end - first, height: height, width: width,
                            window: window, stride: stride, output: target + first * outHeight * outWidth, rowScratch: scratch)
                }
            }
        }
    }
}
