import Foundation
import ImageIO

/// Joins the network's log-depth grids of a photo's windows (`FrameLayout`) into one grid over
/// the part of the photo they cover, at the network's output resolution (for `pad`, the one
/// window's cells over the photo, without the grey around it).
///
/// Each window is predicted on its own, so each has its own overall scale; in log space a scale is
/// an offset. Neighbouring windows are brought to one scale by the median of their difference
/// where they overlap (the offsets chained along the windows, then shifted to average zero so that
/// no window is preferred), then blended with weights that fall to zero at each window's edge.
enum WindowMosaic {
    /// The mosaic's log depth, (mh, mw), and the region of it that covers the whole resized photo
    /// (beyond the windows' crop border), for `FloatGrid.resampledBilinear(width:height:region:)`.
    /// `windows` are (oh, ow) log depths, one per window of `layout`, each over that window's crop.
    static func blend(_ windows: [ArraySlice<Float>], gridSize: PixelSize, layout: FrameLayout) throws
        -> (logDepth: FloatGrid, region: FloatGrid.Region)
    {
        let crop = layout.crop, border = layout.border
        if windows.count == 1, layout.resized == layout.frame {
            return (try FloatGrid(width: gridSize.width, height: gridSize.height, values: Array(windows[0])),
                    layout.frameRegion(gridSize: gridSize))
        }
        // One output cell is crop / grid resized pixels, as in a single window.
        let cellW = Double(crop.width) / Double(gridSize.width), cellH = Double(crop.height) / Double(gridSize.height)
        let covered = layout.covered
        let spanW = Double(covered.x1 - covered.x0), spanH = Double(covered.y1 - covered.y0)
        let mw = max(1, Int((spanW / cellW).rounded())), mh = max(1, Int((spanH / cellH).rounded()))
        let stepW = spanW / Double(mw), stepH = spanH / Double(mh)

        // samples[k]: window k's log depth at every mosaic cell, NaN outside it. (K, mh, mw)
        var samples = [[Float]](repeating: [Float](repeating: .nan, count: mw * mh), count: windows.count)
        var weights = [[Float]](repeating: [Float](repeating: 0, count: mw * mh), count: windows.count)
        for (k, window) in windows.enumerated() {
            let values = Array(window)
            let origin = layout.windows[k]
            for j in 0..<mh {
                let v = Double(covered.y0) + (Double(j) + 0.5) * stepH - Double(origin.y + border.y)
                guard v >= 0, v <= Double(crop.height) else { continue }
                for i in 0..<mw {
                    let u = Double(covered.x0) + (Double(i) + 0.5) * stepW - Double(origin.x + border.x)
                    guard u >= 0, u <= Double(crop.width) else { continue }
                    let value = bilinear(values, width: gridSize.width, height: gridSize.height,
                                         x: u / cellW - 0.5, y: v / cellH - 0.5)
                    guard value.isFinite else { continue }
                    samples[k][j * mw + i] = value
                    // Tent weights: zero at the window's edge, largest at its centre.
                    weights[k][j * mw + i] = Float(max(1e-3, min(u, Double(crop.width) - u)) * max(1e-3, min(v, Double(crop.height) - v)))
                }
            }
        }
        // Offsets that bring each window to its predecessor's scale, then centred.
        var offsets = [Float](repeating: 0, count: windows.count)
        for k in windows.indices.dropFirst() {
            let differences = zip(samples[k - 1], samples[k]).compactMap { a, b in a.isFinite && b.isFinite ? a - b : nil }
            offsets[k] = offsets[k - 1] + (median(differences) ?? 0)
        }
        let mean = offsets.reduce(0, +) / Float(offsets.count)
        var mosaic = [Float](repeating: .nan, count: mw * mh)                    // (mh, mw)
        for cell in 0..<(mw * mh) {
            var sum: Float = 0, total: Float = 0
            for k in 0..<windows.count where samples[k][cell].isFinite {
                sum += weights[k][cell] * (samples[k][cell] + offsets[k] - mean)
                total += weights[k][cell]
            }
            if total > 0 { mosaic[cell] = sum / total }
        }
        let region = FloatGrid.Region(x0: -Double(covered.x0) / stepW, y0: -Double(covered.y0) / stepH,
                                      x1: Double(mw) + Double(layout.resized.width - covered.x1) / stepW,
                                      y1: Double(mh) + Double(layout.resized.height - covered.y1) / stepH)
        return (try FloatGrid(width: mw, height: mh, values: mosaic), region)
    }

    /// `values` (height, width) at continuous grid position (x, y), pixel centres at integers, clamped to the edges.
    static func bilinear(_ values: [Float], width: Int, height: Int, x: Double, y: Double) -> Float {
        let cx = min(max(x, 0), Double(width - 1)), cy = min(max(y, 0), Double(height - 1))
        let x0 = Int(cx), y0 = Int(cy), x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let fx = Float(cx - Double(x0)), fy = Float(cy - Double(y0))
        let top = values[y0 * width + x0] * (1 - fx) + values[y0 * width + x1] * fx
        let bottom = values[y1 * width + x0] * (1 - fx) + values[y1 * width + x1] * fx
        return top * (1 - fy) + bottom * fy
    }

    static func median(_ values: [Float]) -> Float? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
