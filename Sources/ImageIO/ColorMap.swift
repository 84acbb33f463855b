import CImageCodecs

/// A colour map in matplotlib's sense: a 256-entry table of colours that a scalar grid is drawn
/// through, a value at one end of a range taking the first entry, at the other end the last.
/// Says nothing of what the values are; which end of the range is which is the caller's choice.
public struct ColorMap: Sendable {
    /// 256 entries of R, G, B.
    let table: [UInt8]

    /// Inferno (matplotlib), perceptually uniform: black-purple -> red -> orange -> pale yellow,
    /// luminance rising from the first entry to the last.
    public static let inferno = ColorMap(table: infernoTable)

    /// The colour of `t` in [0, 1] (0 the first entry, 1 the last); values outside are clamped.
    public func color(at t: Float) -> (UInt8, UInt8, UInt8) {
        let i = Int((min(max(t, 0), 1) * 255).rounded()) * 3
        return (table[i], table[i + 1], table[i + 2])
    }

    /// Maps `grid` to RGB: the value `first` takes the table's first entry, `last` its last,
    /// linearly in between; values beyond either end take that end's entry, and every value the
    /// last one where `first == last`. `first` may exceed `last` (a reversed map). Defaults: the
    /// grid's smallest (`first`) and largest (`last`) finite value. Non-finite values, which
    /// carry no value, are mid grey.
    ///
    /// One pass for the range, one for the colours, both in C, with the table index rounded by
    /// truncation and the exact fraction (no libm call per pixel): the same pixels as
    /// `colorizeReference` (which would trap where this takes entry 0: a NaN ratio, from an
    /// infinite `first` or `last`).
    public func colorize(_ grid: FloatGrid, first: Float? = nil, last: Float? = nil) -> RGBImage {
        var low = Float.infinity, high = -Float.infinity, anyFinite = false
        if first == nil || last == nil {
            anyFinite = grid.values.withUnsafeBufferPointer { cic_finite_range($0.baseAddress!, $0.count, &low, &high) } != 0
        }
        let firstValue = first ?? (anyFinite ? low : 0)
        let lastValue = last ?? (anyFinite ? high : 1)
        let count = grid.values.count
        let pixels = [UInt8](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
            grid.values.withUnsafeBufferPointer { values in
                table.withUnsafeBufferPointer { colors in
                    cic_colorize(values.baseAddress!, count, firstValue, lastValue, colors.baseAddress!, buffer.baseAddress!)
                }
            }
            initialized = count * 3
        }
        return RGBImage(uncheckedWidth: grid.width, height: grid.height, pixels: pixels)
    }

    /// `colorize` value by value through `color(at:)`: slow and plain, kept to check it against.
    public func colorizeReference(_ grid: FloatGrid, first: Float? = nil, last: Float? = nil) -> RGBImage {
        let finite = grid.values.filter(\.isFinite)
        let firstValue = first ?? finite.min() ?? 0
        let lastValue = last ?? finite.max() ?? 1
        let span = firstValue - lastValue
        var pixels = [UInt8](repeating: 0, count: grid.width * grid.height * 3)
        for (i, value) in grid.values.enumerated() {
            let rgb: (UInt8, UInt8, UInt8)
            if !value.isFinite {
                rgb = (128, 128, 128)
            } else {
                rgb = color(at: span != 0 ? (firstValue - value) / span : 1)
            }
            pixels[3 * i] = rgb.0; pixels[3 * i + 1] = rgb.1; pixels[3 * i + 2] = rgb.2
        }
        return RGBImage(uncheckedWidth: grid.width, height: grid.height, pixels: pixels)
    }
}
