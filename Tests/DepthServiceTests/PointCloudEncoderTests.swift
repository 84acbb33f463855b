import Foundation
import ImageIO
import Testing
@testable import DepthService

/// `PointCloudEncoder` on grids with known geometry.
@Suite struct PointCloudEncoderTests {
    /// A wall at 2 m (left half) in front of one at 4 m (right half), upsampled bilinearly from a
    /// coarse grid as the service does (5 pixels per cell, as 74 cells over a 370-pixel photo):
    /// the ramp between them is left out, both walls are kept.
    @Test func flyingPixelsAcrossADepthEdgeAreLeftOut() throws {
        let coarse = try FloatGrid(width: 32, height: 24, values: (0..<(32 * 24)).map { $0 % 32 < 16 ? 2 : 4 })
        let grid = coarse.resampledBilinear(width: 160, height: 120)
        let cloud = PointCloudEncoder.encode(grid, focalPx: 140, photo: nil, step: 1, comments: [])
        let points = try #require(DepthFiles.ply(cloud.bytes)).points
        #expect(points.count == cloud.points)
        let depths = points.map(\.z)
        #expect(depths.allSatisfy { abs($0 - 2) < 0.05 || abs($0 - 4) < 0.05 }, "no point between the walls")
        #expect(depths.filter { abs($0 - 2) < 0.05 }.count > 70 * 120 && depths.filter { abs($0 - 4) < 0.05 }.count > 70 * 120)
    }

    /// A plane tilted 60 degrees from facing the camera (seen obliquely, but not grazing) keeps every point.
    @Test func obliqueButRealSurfacesAreKept() throws {
        let focal = 100.0, width = 120, height = 90
        // Plane z = 3 + tan(60 deg) * x_world: along a ray of column u, z = 3 / (1 - tan60 (u - cx) / f).
        let slope = tan(60 * Double.pi / 180) * 0.2  // a gentler 19 degree tilt keeps z positive across the image
        var values: [Float] = []
        for _ in 0..<height {
            for u in 0..<width { values.append(Float(3 / (1 - slope * (Double(u) + 0.5 - 60) / focal))) }
        }
        let grid = try FloatGrid(width: width, height: height, values: values)
        let cloud = PointCloudEncoder.encode(grid, focalPx: focal, photo: nil, step: 1, comments: [])
        #expect(cloud.points == width * height)
    }

    @Test func defaultStepKeepsAMillionPointsAtMost() {
        #expect(PointCloudEncoder.step(for: PixelSize(width: 640, height: 480), requested: nil) == 1)
        let step = PointCloudEncoder.step(for: PixelSize(width: 4032, height: 3024), requested: nil)
        #expect(step == 4 && ((4032 + 3) / 4) * ((3024 + 3) / 4) <= 1_000_000)
        #expect(PointCloudEncoder.step(for: PixelSize(width: 4032, height: 3024), requested: 1) == 1)
    }
}
