import CImageCodecs

/// Floats to 16-bit samples the way a png16 map stores them (depth in millimetres): 0 where a
/// value is not finite or not positive (no estimate), else `value * scale` clipped to 1...65535
/// and rounded half away from zero (clipping before rounding gives the same: the bounds are whole).
public enum Sample16 {
    /// The sample for `value` (`scale` finite and positive): the plain rule, one value at a time,
    /// kept to check `quantize` against.
    public static func sample(_ value: Float, scale: Float) -> UInt16 {
        guard value.isFinite, value > 0 else { return 0 }
        // Without SSE4.1, `rounded()` is a libm call per sample; truncation and the exact fraction are not.
        let scaled = min(max(value * scale, 1), 65535)
        let whole = UInt16(scaled)
        return scaled - Float(whole) >= 0.5 ? whole + 1 : whole
    }

    /// `sample(_:scale:)` of every value, in one vectorised C loop (equal to it for every input).
    public static func quantize(_ values: [Float], scale: Float) -> [UInt16] {
        precondition(scale.isFinite && scale > 0, "Sample16 scale \(scale) is not finite and positive")
        return [UInt16](unsafeUninitializedCapacity: values.count) { samples, initialized in
            values.withUnsafeBufferPointer { source in
                if let input = source.baseAddress, let output = samples.baseAddress {
                    cic_quantize16(input, source.count, scale, output)
                }
            }
            initialized = values.count
        }
    }
}
