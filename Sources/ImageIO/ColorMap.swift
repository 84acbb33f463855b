import CImageCodecs

/// A colour map in matplotlib's sense: a 256-entry table of colours that a scalar grid is drawn
/// through, low values taking the first entry and high values the last (or the other way round,
/// `reversed`, as matplotlib's `_r` maps). Says nothing of what the values are.
public struct ColorMap: Sendable {
    /// 256 entries of R, G, B.
    let table: [UInt8]
    /// Whether low values take the table's last entry and high values its first.
    public let isReversed: Bool

    /// Inferno (matplotlib), perceptually uniform: black-purple -> red -> orange -> pale yellow,
    /// luminance rising from the first entry to the last.
    public static let inferno = ColorMap(table: infernoTable, isReversed: false)

    /// The same table run the other way: low values take the colours high values took.
    public var reversed: ColorMap { ColorMap(table: table, isReversed: !isReversed) }

    /// The colour of `t` in [0, 1] (0 the colour of low values, 1 of high); values outside are clamped.
    public func color(at t: Float) -> (UInt8, UInt8, UInt8) { entry(at: isReversed ? 1 - t : t) }

    /// The table's colour at `t` in [0, 1] (0 the first entry, 1 the last), clamped.
    private func entry(at t: Float) -> (UInt8, UInt8, UInt8) {
        let i = Int((min(max(t, 0), 1) * 255).rounded()) * 3
        return (table[i], table[i + 1], table[i + 2])
    }

    /// The values the table's first and last entries stand for: `low` and `high`, swapped when reversed.
    private func ends(low: Float, high: Float) -> (first: Float, last: Float) {
        isReversed ? (high, low) : (low, high)
    }

    /// Maps `grid` to RGB: `low` takes `color(at: 0)`, `high` `color(at: 1)`, linearly in between;
    /// values beyond either end take that end's colour (a `low` above `high` turns the map round),
    /// and every value the table's last entry where `low == high`. Defaults: the grid's smallest
    /// and largest finite value. Non-finite values, which carry no value, are mid grey.
    ///
    /// One pass for the range, one for the colours, both in C, with the table index rounded by
    /// truncation and the exact fraction (no libm call per pixel): the same pixels as
    /// `colorizeReference` (which would trap where this takes entry 0: a NaN ratio, from an
    /// infinite `low` or `high`).
    public func colorize(_ grid: FloatGrid, low: Float? = nil, high: Float? = nil) -> RGBImage {
        var smallest = Float.infinity, largest = -Float.infinity, anyFinite = false
        if low == nil || high == nil {
            anyFinite = grid.values.withUnsafeBufferPointer { cic_finite_range($0.baseAddress!, $0.count, &smallest, &largest) } != 0
        }
        let (first, last) = ends(low: low ?? (anyFinite ? smallest : 0), high: high ?? (anyFinite ? largest : 1))
        let count = grid.values.count
        let pixels = [UInt8](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
            grid.values.withUnsafeBufferPointer { values in
                table.withUnsafeBufferPointer { colors in
                    cic_colorize(values.baseAddress!, count, first, last, colors.baseAddress!, buffer.baseAddress!)
                }
            }
            initialized = count * 3
        }
        return RGBImage(uncheckedWidth: grid.width, height: grid.height, pixels: pixels)
    }

    /// `colorize` value by value through the table: slow and plain, kept to check it against.
    public func colorizeReference(_ grid: FloatGrid, low: Float? = nil, high: Float? = nil) -> RGBImage {
        let finite = grid.values.filter(\.isFinite)
        let (first, last) = ends(low: low ?? finite.min() ?? 0, high: high ?? finite.max() ?? 1)
        let span = first - last
        var pixels = [UInt8](repeating: 0, count: grid.width * grid.height * 3)
        for (i, value) in grid.values.enumerated() {
            let rgb: (UInt8, UInt8, UInt8)
            if !value.isFinite {
                rgb = (128, 128, 128)
            } else {
                rgb = entry(at: span != 0 ? (first - value) / span : 1)
            }
            pixels[3 * i] = rgb.0; pixels[3 * i + 1] = rgb.1; pixels[3 * i + 2] = rgb.2
        }
        return RGBImage(uncheckedWidth: grid.width, height: grid.height, pixels: pixels)
    }
}
