/// Layers' weights repacked once per model for a kernel, all in one buffer with stable addresses,
/// only read afterwards (so predictors on many threads share it): what `DirectConvolutionWeights`
/// and `HalfFullyConnectedWeights` hold, each with its own layout.
final class PackedLayers<Element>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Element>
    /// Each layer's offset into the buffer and the (rows, cols) of its (out, in) weight matrix.
    private let layers: [String: (offset: Int, rows: Int, cols: Int)]

    /// Bytes of packed weights held.
    let byteCount: Int

    /// weights: each layer's weight tensor by layer name, read as (rows = shape[0], cols = the rest);
    /// count(rows, cols): the elements the packed layer takes; pack(values, rows, cols, target)
    /// writes every one of them.
    init(_ weights: [String: Tensor], count: (_ rows: Int, _ cols: Int) -> Int,
         pack: (UnsafePointer<Float>?, _ rows: Int, _ cols: Int, UnsafeMutablePointer<Element>) -> Void) {
        var layers: [String: (offset: Int, rows: Int, cols: Int)] = [:], total = 0
        for name in weights.keys.sorted() {
            guard let w = weights[name] else { continue }
            let (rows, cols) = (w.shape[0], w.count / max(w.shape[0], 1))
            layers[name] = (total, rows, cols)
            total += count(rows, cols)
        }
        let storage = UnsafeMutablePointer<Element>.allocate(capacity: max(total, 1))
        for (name, layer) in layers {
            weights[name]?.values.withUnsafeBufferPointer { pack($0.baseAddress, layer.rows, layer.cols, storage + layer.offset) }
        }
        self.storage = storage
        self.layers = layers
        self.byteCount = MemoryLayout<Element>.stride * total
    }

    deinit { storage.deallocate() }

    /// A layer's packed weights and its (rows, cols), or nil if the layer is not held here.
    func layer(_ name: String) -> (pointer: UnsafePointer<Element>, rows: Int, cols: Int)? {
        layers[name].map { (UnsafePointer(storage + $0.offset), $0.rows, $0.cols) }
    }
}
