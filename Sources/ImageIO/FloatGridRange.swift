import CImageCodecs

extension FloatGrid {
    /// The smallest and largest depth estimate: values that are finite and positive (what png16
    /// writes as 0, the colour map as grey, is no estimate). nil when there is none. One
    /// vectorised C pass; `estimateRangeReference` is the plain loop it equals.
    public var estimateRange: (min: Float, max: Float)? {
        var low = Float.infinity, high = -Float.infinity
        let any = values.withUnsafeBufferPointer { cic_positive_range($0.baseAddress, $0.count, &low, &high) }
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
