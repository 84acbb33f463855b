import CDirectConvolution

/// Every multi-channel convolution's weights in the direct kernels' packed layout, made once per
/// model and only read afterwards (so predictors on many threads share it).
final class DirectConvolutionWeights: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Float>
    private let offsets: [String: Int]

    /// weights: each layer's (Cout, C, k, k) tensor by layer name ("coarse.conv2"), packed for
    /// instruction set `isa`.
    init(_ weights: [String: Tensor], instructionSet isa: Int = DirectConvolution.instructionSet) {
        let isa = Int32(isa)
        var offsets: [String: Int] = [:], total = 0
        let names = weights.keys.sorted()
        for name in names {
            guard let w = weights[name] else { continue }
            offsets[name] = total
            total += Int(dc_packed_weight_count(isa, Int32(w.shape[0]), Int32(w.count / w.shape[0])))
        }
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: max(total, 1))
        for name in names {
            guard let w = weights[name], let offset = offsets[name] else { continue }
            w.values.withUnsafeBufferPointer { values in
                dc_pack_weights(isa, values.baseAddress, Int32(w.shape[0]), Int32(w.count / w.shape[0]), storage + offset)
            }
        }
        self.storage = storage
        self.offsets = offsets
        self.byteCount = 4 * total
    }

    /// Bytes of packed weights held.
    let byteCount: Int

    deinit { storage.deallocate() }

    /// The packed weights of a layer, or nil if the layer was not packed.
    func pointer(_ layer: String) -> UnsafePointer<Float>? {
        offsets[layer].map { UnsafePointer(storage + $0) }
    }
}
