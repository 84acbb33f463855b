import Testing
@testable import ImageIO

/// `FrameLayout`: photos keep their aspect ratio; overlapping frame-sized windows cover the long axis.
@Suite struct FrameLayoutTests {
    let frame = PixelSize(width: 320, height: 240), crop = PixelSize(width: 304, height: 228)
    let grey: (UInt8, UInt8, UInt8) = (124, 116, 104)

    @Test func fourThreePhotoIsOneWindowResizedToTheFrame() {
        for size in [PixelSize(width: 640, height: 480), PixelSize(width: 4032, height: 3024), PixelSize(width: 643, height: 480)] {
            let layout = FrameLayout(photo: size, frame: frame, crop: crop)
            #expect(layout.resized == frame && layout.windows.count == 1, "\(size)")
        }
    }

    @Test func wideSixteenNinePhotoGetsTwoOverlappingWindowsAtOneScale() {
        let layout = FrameLayout(photo: PixelSize(width: 1920, height: 1080), frame: frame, crop: crop)
        #expect(layout.resized == PixelSize(width: 427, height: 240))
        #expect(layout.windows.map(\.x) == [0, 107] && layout.windows.map(\.y) == [0, 0])
        #expect(abs(layout.scale - 240.0 / 1080) < 0.001)
    }

    @Test func tallPhotoGetsWindowsDownItsHeight() {
        let layout = FrameLayout(photo: PixelSize(width: 1080, height: 1920), frame: frame, crop: crop)
        #expect(layout.resized == PixelSize(width: 320, height: 569))
        #expect(layout.windows.map(\.y) == [0, 165, 329] && layout.windows.allSatisfy { $0.x == 0 })
        // Neighbours overlap by at least a quarter of a window.
        for (a, b) in zip(layout.windows, layout.windows.dropFirst()) { #expect(Double(b.y - a.y) <= 240 * 0.75) }
    }

    @Test func squashIsOneFrameWhateverTheShape() {
        let layout = FrameLayout(photo: PixelSize(width: 1920, height: 1080), frame: frame, crop: crop, fit: .squash)
        #expect(layout.resized == frame && layout.windows.count == 1)
        #expect(abs(layout.scale - (320.0 / 1920 * 240.0 / 1080).squareRoot()) < 1e-12, "the geometric mean of the axes")
    }

    @Test func padShowsTheWholePhotoAtOneScaleInsideOneGreyFrame() throws {
        let layout = FrameLayout(photo: PixelSize(width: 1080, height: 1920), frame: frame, crop: crop, fit: .pad)
        #expect(layout.resized == PixelSize(width: 135, height: 240) && layout.windows.count == 1)
        #expect(layout.windows[0].x == -92 && layout.windows[0].y == 0)
        let covered = layout.covered
        #expect(covered.x0 == 0 && covered.y0 == 6 && covered.x1 == 135 && covered.y1 == 234)
        let photo = RGBImage(width: 1080, height: 1920, filledWith: (255, 0, 0))
        let input = try #require(layout.windowImages(of: photo, padColor: grey).first)
        #expect(input.size == crop)
        #expect(input.pixel(x: 0, y: 100) == grey, "grey left of the photo")
        #expect(input.pixel(x: 152, y: 100) == (255, 0, 0), "the photo in the middle")
    }

    /// A 16:9 photo with a red band at the left and a blue band at the right: the first window's
    /// input starts in the red, the last one's ends in the blue, and nothing is stretched (a square
    /// stays a square).
    @Test func windowsCoverTheWholePhotoWithoutStretching() throws {
        var pixels: [UInt8] = []
        for y in 0..<360 {
            for x in 0..<640 {
                let square = (300..<340).contains(x) && (160..<200).contains(y)
                pixels += x < 20 ? [255, 0, 0] : x >= 620 ? [0, 0, 255] : square ? [0, 0, 0] : [0, 255, 0]
            }
        }
        let photo = try RGBImage(width: 640, height: 360, pixels: pixels)
        let layout = FrameLayout(photo: photo.size, frame: frame, crop: crop)
        let windows = layout.windowImages(of: photo, padColor: grey)
        #expect(windows.count == 2 && windows.allSatisfy { $0.size == crop })
        #expect(windows[0].pixel(x: 1, y: 100).r > 200)
        #expect(windows[1].pixel(x: 302, y: 100).b > 200)
        // The black square in the resized photo (scale 2/3): as wide as it is tall.
        let whole = photo.resized(width: layout.resized.width, height: layout.resized.height)
        let dark = (0..<whole.height).flatMap { y in (0..<whole.width).map { (x: $0, y: y) } }
            .filter { whole.pixel(x: $0.x, y: $0.y).g < 100 && whole.pixel(x: $0.x, y: $0.y).r < 100 && whole.pixel(x: $0.x, y: $0.y).b < 100 }
        let width = (dark.map(\.x).max() ?? 0) - (dark.map(\.x).min() ?? 0)
        let height = (dark.map(\.y).max() ?? 0) - (dark.map(\.y).min() ?? 0)
        #expect(abs(width - height) <= 1, "\(width) x \(height)")
    }

    /// The paper's preparation (`fit=squash`): a wide 16:9 photo is squashed, not cropped: its left
    /// and right edge colours survive to the network input's edges.
    @Test func squashedWindowSeesTheWholePhotoAt304x228() throws {
        var pixels: [UInt8] = []
        for _ in 0..<360 { for x in 0..<640 { pixels += x < 40 ? [255, 0, 0] : x >= 600 ? [0, 0, 255] : [0, 255, 0] } }
        let photo = try RGBImage(width: 640, height: 360, pixels: pixels)
        let windows = FrameLayout(photo: photo.size, frame: frame, crop: crop, fit: .squash).windowImages(of: photo, padColor: grey)
        #expect(windows.count == 1)
        let input = try #require(windows.first)
        #expect(input.size == PixelSize(width: 304, height: 228))
        #expect(input.pixel(x: 1, y: 100).r > 200)   // red band (20 px wide at 320) still there
        #expect(input.pixel(x: 302, y: 100).b > 200)
        #expect(input == photo.resized(width: 320, height: 240).centreCropped(width: 304, height: 228))
    }

    /// The frame region extends a grid over one window's crop by the 8- and 6-pixel crop border of 320x240.
    @Test func frameRegionCoversTheWholeWindow() {
        let region = FrameLayout(photo: frame, frame: frame, crop: crop).frameRegion(gridSize: PixelSize(width: 74, height: 55))
        #expect(abs(region.x0 - -8 * 74.0 / 304) < 1e-9 && abs(region.x1 - 312 * 74.0 / 304) < 1e-9)
        #expect(abs(region.y0 - -6 * 55.0 / 228) < 1e-9 && abs(region.y1 - 234 * 55.0 / 228) < 1e-9)
    }
}
