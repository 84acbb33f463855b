/// What a JPEG's EXIF says about its orientation and lens, as stored (nil = tag absent or malformed).
public struct ExifMetadata: Sendable, Equatable {
    /// IFD0 tag 0x0112.
    public var orientationTag: Orientation?
    /// FocalLength (0x920A), millimetres.
    public var focalLengthMM: Double?
    /// FocalLengthIn35mmFilm (0xA405), millimetres: the lens of a 36x24 mm frame with the same diagonal view.
    public var focalLength35mm: Double?
    /// FocalPlaneXResolution / FocalPlaneYResolution (0xA20E, 0xA20F): stored pixels per unit on the sensor.
    public var focalPlaneXResolution: Double?
    public var focalPlaneYResolution: Double?
    /// FocalPlaneResolutionUnit (0xA210): 2 inch (the default), 3 cm, 4 mm, 5 micrometre.
    public var focalPlaneResolutionUnit: Int?
    /// PixelXDimension / PixelYDimension (0xA002, 0xA003): the stored size the focal plane tags were written for.
    public var pixelXDimension: Int?
    public var pixelYDimension: Int?

    public init() {}

    /// The orientation to apply (`.up` when the tag is absent).
    public var orientation: Orientation { orientationTag ?? .up }

    enum Tag {
        static let orientation = 0x0112, exifIFD = 0x8769
        static let focalLength = 0x920A, focalLength35mm = 0xA405
        static let focalPlaneXResolution = 0xA20E, focalPlaneYResolution = 0xA20F, focalPlaneResolutionUnit = 0xA210
        static let pixelXDimension = 0xA002, pixelYDimension = 0xA003
        static let lens: Set<Int> = [focalLength, focalLength35mm, focalPlaneXResolution, focalPlaneYResolution,
                                     focalPlaneResolutionUnit, pixelXDimension, pixelYDimension]
    }

    /// Where a focal length in pixels came from.
    public enum FocalSource: String, Sendable, Equatable {
        /// FocalLengthIn35mmFilm, over the frame's diagonal.
        case focalLength35mm = "FocalLengthIn35mmFilm"
        /// FocalLength in mm times the focal plane resolution.
        case focalPlane = "FocalLength+FocalPlaneResolution"
    }

    /// The diagonal of the 36x24 mm frame that FocalLengthIn35mmFilm refers to.
    public static let fullFrameDiagonalMM = (36.0 * 36.0 + 24.0 * 24.0).squareRoot()

    /// The focal length in pixels of the upright photo (its horizontal axis) whose stored size is
    /// `storedSize`: from FocalLengthIn35mmFilm if present (35 mm equivalents match the diagonal
    /// field of view, so f_px = f35 * diagonal_px / 43.27 mm), else from FocalLength and the focal
    /// plane resolution of the axis that is horizontal once upright (rescaled when the photo was
    /// resized after PixelX/YDimension were written). nil when neither is in the file.
    public func focalLengthPixels(storedSize: PixelSize) -> (pixels: Double, source: FocalSource)? {
        if let f35 = focalLength35mm {
            let diagonal = (Double(storedSize.width * storedSize.width) + Double(storedSize.height * storedSize.height)).squareRoot()
            return (f35 * diagonal / Self.fullFrameDiagonalMM, .focalLength35mm)
        }
        guard let focal = focalLengthMM, let unit = resolutionUnitMM else { return nil }
        // Upright horizontal = stored X for orientations 1-4, stored Y for 5-8.
        let horizontalIsStoredY = orientation.swapsAxes
        guard let resolution = horizontalIsStoredY ? (focalPlaneYResolution ?? focalPlaneXResolution) : focalPlaneXResolution
        else { return nil }
        var pixels = focal * resolution / unit
        let storedExtent = horizontalIsStoredY ? storedSize.height : storedSize.width
        if let written = horizontalIsStoredY ? pixelYDimension : pixelXDimension, written != storedExtent {
            pixels *= Double(storedExtent) / Double(written)
        }
        return (pixels, .focalPlane)
    }

    /// Millimetres per FocalPlaneResolutionUnit; nil for a unit the standard does not define.
    var resolutionUnitMM: Double? {
        switch focalPlaneResolutionUnit ?? 2 {
        case 2: 25.4
        case 3: 10
        case 4: 1
        case 5: 0.001
        default: nil
        }
    }
}
