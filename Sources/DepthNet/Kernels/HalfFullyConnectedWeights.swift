import CDirectConvolution

/// The fully connected layers' weights kept as IEEE binary16, as the file stored them, in the
/// layout `dc_fully_connected_half` reads: per layer (out, dc_fc_half_row_stride(in)), rows
/// zero-padded to whole vectors. Half the bytes of the F32 copy they replace, both resident and
/// streamed per image; written once at load and only read afterwards (shared between threads).
final class HalfFullyConnectedWeights: Sendable {
    private let packed: PackedLayers<UInt16>

    /// Whether the kernels can read binary16 weights with instruction set `isa`.
    static func available(instructionSet isa: Int = DirectConvolution.instructionSet) -> Bool {
        dc_fully_connected_half_available(Int32(isa)) != 0
    }

    /// weights: each layer's (out, in) tensor by layer name ("coarse.fc6"); every value must be
    /// exactly representable in binary16 (it is when the file stored it as F16), since packing
    /// narrows it back. Only where `available()`.
    init(_ weights: [String: Tensor]) {
        packed = PackedLayers(weights, count: { rows, cols in rows * Int(dc_fc_half_row_stride(Int32(cols))) },
                              pack: { values, rows, cols, target in dc_pack_fc_half(values, Int32(rows), Int32(cols), target) })
    }

    /// Bytes of packed weights held.
    var byteCount: Int { packed.byteCount }

    /// The packed weights of a layer, or nil if the layer is not held here.
    func pointer(_ layer: String) -> UnsafePointer<UInt16>? { packed.layer(layer)?.pointer }

    /// A layer's weights widened back to F32, (out, in); nil if the layer is not held here.
    func tensor(layer name: String) -> Tensor? {
        guard let (storage, rows, cols) = packed.layer(name) else { return nil }
        let stride = Int(dc_fc_half_row_stride(Int32(cols)))
        var values = [Float](repeating: 0, count: rows * cols) // (out, in)
        for row in 0..<rows {
            for col in 0..<cols { values[row * cols + col] = HalfFloat.widen(storage[row * stride + col]) }
        }
        return Tensor(shape: [rows, cols], values: values)
    }
}
