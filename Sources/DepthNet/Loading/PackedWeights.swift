/// Every weight tensor of a model in one contiguous F32 buffer with stable addresses (but those
/// `half` keeps as F16), written once at load and only read afterwards, which is what makes
/// sharing it between threads safe.
final class PackedWeights: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Float>
    private let slots: [String: (offset: Int, shape: [Int])]

    /// Bytes of weights held in the F32 buffer.
    let byteCount: Int
    /// The fully connected weights kept as F16 (not in the F32 buffer), if any.
    let half: HalfFullyConnectedWeights?

    /// tensors: the tensors held as F32; half: the weights held as F16 instead.
    init(_ tensors: [String: Tensor], half: HalfFullyConnectedWeights? = nil) {
        var slots: [String: (offset: Int, shape: [Int])] = [:]
        var total = 0
        for name in tensors.keys.sorted() {
            guard let tensor = tensors[name] else { continue }
            slots[name] = (total, tensor.shape)
            total += tensor.count
        }
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: max(total, 1))
        for (name, slot) in slots {
            tensors[name]?.values.withUnsafeBufferPointer { values in
                if let base = values.baseAddress { (storage + slot.offset).initialize(from: base, count: values.count) }
            }
        }
        self.storage = storage
        self.slots = slots
        self.byteCount = 4 * total
        self.half = half
    }

    deinit { storage.deallocate() }

    /// The read-only address of a tensor; callers only ask for names the architecture validated.
    func pointer(_ name: String) -> UnsafePointer<Float> {
        UnsafePointer(storage + (slots[name]?.offset ?? 0))
    }

    func tensor(named name: String) -> Tensor? {
        guard let slot = slots[name] else { return nil }
        let count = slot.shape.reduce(1, *)
        return Tensor(shape: slot.shape, values: Array(UnsafeBufferPointer(start: storage + slot.offset, count: count)))
    }
}
