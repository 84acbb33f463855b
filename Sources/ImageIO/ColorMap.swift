import CImageCodecs

/// A perceptually uniform colour map (matplotlib's inferno) for depth previews a person can read
/// at a glance: near is warm and bright (pale yellow), far is dark (black-purple).
public struct ColorMap: Sendable {
    /// 256 entries of R, G, B; entry 255 is used for the nearest value.
    let table: [UInt8]

    /// Inferno: black-purple -> red -> orange -> pale yellow.
    public static let inferno = ColorMap(table: infernoTable)

    /// The colour of `t` in [0, 1] (0 dark, 1 bright); values outside are clamped.
    public func color(at t: Float) -> (UInt8, UInt8, UInt8) {
        let i = Int((min(max(t, 0), 1) * 255).rounded()) * 3
        return (table[i], table[i + 1], table[i + 2])
    }

    /// Maps a depth grid to RGB: `near` (default: the grid's smallest finite value) is brightest,
    /// `far` (default: the largest) darkest, linearly in between. Non-finite values, which carry
    /// no estimate, are mid grey.
    ///
    /// One pass for the range, one for the colours, both in C, with the table index rounded by
    /// truncation and the exact fraction (no libm call per pixel): the same pixels as
    /// `colorizeReference` (which would trap where this takes entry 0: a NaN ratio, from an
    /// infinite `near` or `far`).
    public func colorize(depth grid: FloatGrid, near: Float? = nil, far: Float? = nil) -> RGBImage {
        var low = Float.infinity, high = -Float.infinity, anyFinite = false
        if near == nil || far == nil {
            anyFinite = grid.values.withUnsafeBufferPointer { cic_finite_range($0.baseAddress!, $0.count, &low, &high) } != 0
        }
        let nearValue = near ?? (anyFinite ? low : 0)
        let farValue = far ?? (anyFinite ? high : 1)
        let count = grid.values.count
        let pixels = [UInt8](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
            grid.values.withUnsafeBufferPointer { values in
                table.withUnsafeBufferPointer { colors in
                    cic_colorize(values.baseAddress!, count, nearValue, farValue, colors.baseAddress!, buffer.baseAddress!)
                }
            }
            initialized = count * 3
        }
        return RGBImage(uncheckedWidth: grid.width, height: grid.height, pixels: pixels)
    }

    /// `colorize` value by value through `color(at:)`: slow and plain, kept to check it against.
    public func colorizeReference(depth grid: FloatGrid, near: Float? = nil, far: Float? = nil) -> RGBImage {
        let finite = grid.values.filter(\.isFinite)
        let nearValue = near ?? finite.min() ?? 0
        let farValue = far ?? finite.max() ?? 1
        let span = farValue - nearValue
        var pixels = [UInt8](repeating: 0, count: grid.width * grid.height * 3)
        for (i, value) in grid.values.enumerated() {
            let rgb: (UInt8, UInt8, UInt8)
            if !value.isFinite {
                rgb = (128, 128, 128)
            } else {
                rgb = color(at: span != 0 ? (farValue - value) / span : 1)
            }
            pixels[3 * i] = rgb.0; pixels[3 * i + 1] = rgb.1; pixels[3 * i + 2] = rgb.2
        }
        return RGBImage(uncheckedWidth: grid.width, height: grid.height, pixels: pixels)
    }
}
