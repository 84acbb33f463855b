import CDirectConvolution

/// The fully connected layers' weights kept as IEEE binary16, as the file stored them, in the
/// layout `dc_fully_connected_half` reads: per layer (out, dc_fc_half_row_stride(in)), rows
/// zero-padded to whole vectors. Half the bytes of the F32 copy they replace, both resident and
/// streamed per image; written once at load and only read afterwards (shared between threads).
final class HalfFullyConnectedWeights: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<UInt16>
    private let layers: [String: (offset: Int, rows: Int, cols: Int)]

    /// Whether the kernels can read binary16 weights with instruction set `isa`.
    static func available(instructionSet isa: Int = DirectConvolution.instructionSet) -> Bool {
        dc_fully_connected_half_available(Int32(isa)) != 0
    }

    /// weights: each layer's (out, in) tensor by layer name ("coarse.fc6"); every value must be
    /// exactly representable in binary16 (it is when the file stored it as F16), since packing
    /// narrows it back. Only where `available()`.
    init(_ weights: [String: Tensor]) {
        var layers: [String: (offset: Int, rows: Int, cols: Int)] = [:], total = 0
        let names = weights.keys.sorted()
        for name in names {
            guard let w = weights[name] else { continue }
            let (rows, cols) = (w.shape[0], w.count / max(w.shape[0], 1))
            layers[name] = (total, rows, cols)
            total += rows * Int(dc_fc_half_row_stride(Int32(cols)))
        }
        let storage = UnsafeMutablePointer<UInt16>.allocate(capacity: max(total, 1))
        for name in names {
            guard let w = weights[name], let layer = layers[name] else { continue }
            w.values.withUnsafeBufferPointer { values in
                dc_pack_fc_half(values.baseAddress, Int32(layer.rows), Int32(layer.cols), storage + layer.offset)
            }
        }
        self.storage = storage
        self.layers = layers
        self.byteCount = 2 * total
    }

    deinit { storage.deallocate() }

    /// Bytes of packed weights held.
    let byteCount: Int

    /// The packed weights of a layer, or nil if the layer is not held here.
    func pointer(_ layer: String) -> UnsafePointer<UInt16>? {
        layers[layer].map { UnsafePointer(storage + $0.offset) }
    }

    /// A layer's weights widened back to F32, (out, in); nil if the layer is not held here.
    func tensor(layer: String) -> Tensor? {
        guard let layer = layers[layer] else { return nil }
        let stride = Int(dc_fc_half_row_stride(Int32(layer.cols)))
        var values = [Float](repeating: 0, count: layer.rows * layer.cols) // (out, in)
        for row in 0..<layer.rows {
            for col in 0..<layer.cols { values[row * layer.cols + col] = HalfFloat.widen(storage[layer.offset + row * stride + col]) }
        }
        return Tensor(shape: [layer.rows, layer.cols], values: values)
    }
}
