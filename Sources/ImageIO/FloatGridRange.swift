import CImageCodecs

extension FloatGrid {
    /// The smallest and largest finite, positive value, or nil when there is none. For a depth
    /// grid these are its estimates: the encoders write every other value as no estimate (png16
    /// as 0, the colour map as grey). One
    /// vectorised C pass; `estimateRangeReference` is the plain loop it equals.
    public var estimateRange: (min: Float, max: Float)? {
        values.withUnsafeBufferPointer { Self.estimateRange(of: $0) }
    }

    /// `estimateRange` of any floats (a grid held outside a `FloatGrid`).
    public static func estimateRange(of values: UnsafeBufferPointer<Float>) -> (min: Float, max: Float)? {
        var low = Float.infinity, high = -Float.infinity
        let any = cic_positive_range(values.baseAddress, values.count, &low, &high)
        return any != 0 ? (low, high) : nil
    }

    /// `estimateRange` as a plain loop: the reference the tests compare it with.
    public var estimateRangeReference: (min: Float, max: Float)? {
        var low = Float.infinity, high = -Float.infinity
        for value in values where value.isFinite && value > 0 {
            low = min(low, value)
            high = max(high, value)
        }
        return low <= high ? (low, high) : nil
    }
}
