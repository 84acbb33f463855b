import CDirectConvolution

/// Every multi-channel convolution's weights in the direct kernels' packed layout, made once per
/// model and only read afterwards (so predictors on many threads share it).
final class DirectConvolutionWeights: Sendable {
    private let packed: PackedLayers<Float>

    /// weights: each layer's (Cout, C, k, k) tensor by layer name ("coarse.conv2"), packed for
    /// instruction set `isa`.
    init(_ weights: [String: Tensor], instructionSet isa: Int = DirectConvolution.instructionSet) {
        let isa = Int32(isa)
        packed = PackedLayers(weights, count: { rows, cols in Int(dc_packed_weight_count(isa, Int32(rows), Int32(cols))) },
                              pack: { values, rows, cols, target in dc_pack_weights(isa, values, Int32(rows), Int32(cols), target) })
    }

    /// Bytes of packed weights held.
    var byteCount: Int { packed.byteCount }

    /// The packed weights of a layer, or nil if the layer was not packed.
    func pointer(_ layer: String) -> UnsafePointer<Float>? { packed.layer(layer)?.pointer }
}
