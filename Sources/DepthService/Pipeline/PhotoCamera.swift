import DepthNet
import Foundation
import ImageIO

/// The focal length a photo's depth is scaled with, where it came from, and the factor it gives
/// (design.md, "The camera contract"): depth = prediction * (f_photo * s) / F, with F the model's
/// focal length at the frame's width and s the factor that brings the photo to the frame.
public struct PhotoCamera: Sendable, Equatable {
    /// Where the focal length came from; also the values of the answer's scale source (``DepthFact/scaleSource``, with `known`).
    public enum Source: String, Sendable, Equatable {
        /// `focal_px` or `fov_deg` in the request.
        case request
        /// The photo's EXIF lens tags.
        case exif
        /// None given: the model's own camera (f_photo = F / s, so depth = prediction).
        case model
    }

    /// Horizontal fields of view accepted from a request or from EXIF, in degrees (the model's own
    /// camera is checked against the same range when its weights load).
    public static let plausibleFieldOfView = ModelCamera.plausibleFieldOfView

    /// Focal length in the photo's upright pixels.
    public let focalPx: Double
    public let source: Source
    /// The EXIF tags it was computed from (`exif` only).
    public let exifTags: String?
    /// What the network's depth is multiplied by: (f_photo * s) / F.
    public let depthFactor: Double

    /// The camera for a photo of `layout` with `header`: the request's focal length, else EXIF's
    /// (ignored when its field of view is implausible), else the model's. Throws ``InvalidParameter``
    /// naming `focal_px` when the requested focal length gives a field of view outside the plausible range.
    public static func resolve(request: DepthRequestOptions.Focal?, header: ImageHeader, layout: FrameLayout,
                               model: ModelCamera) throws(InvalidParameter) -> PhotoCamera {
        let width = Double(layout.photoSize.width)
        let modelFocalAtFrame = model.focalPx(atWidth: Double(layout.frame.width))
        let s = layout.scale
        func camera(_ focal: Double, _ source: Source, tags: String? = nil) -> PhotoCamera {
            PhotoCamera(focalPx: focal, source: source, exifTags: tags, depthFactor: focal * s / modelFocalAtFrame)
        }
        switch request {
        case .pixels(let focal):
            let range = focalRange(width: width)
            guard range.contains(focal) else {
                throw InvalidParameter(.focalPx, "focal_px \(JSONValue.format(focal)) is a "
                    + String(format: "%.2f", fieldOfView(focal: focal, width: width))
                    + " degree field of view for this \(layout.photoSize.width)-pixel-wide photo; give "
                    + String(format: "%.1f", range.lowerBound) + " to " + String(format: "%.0f", range.upperBound)
                    + " pixels (\(JSONValue.format(plausibleFieldOfView.upperBound)) to \(JSONValue.format(plausibleFieldOfView.lowerBound)) degrees).")
            }
            return camera(focal, .request)
        case .fieldOfView(let degrees):
            return camera(width / 2 / tan(degrees / 2 * .pi / 180), .request)
        case nil:
            if let exif = header.exifFocalLength, focalRange(width: width).contains(exif.pixels) {
                return camera(exif.pixels, .exif, tags: exif.source.rawValue)
            }
            return camera(modelFocalAtFrame / s, .model)
        }
    }

    /// Focal lengths in pixels whose horizontal field of view over `width` pixels is plausible.
    static func focalRange(width: Double) -> ClosedRange<Double> {
        let widest = plausibleFieldOfView.upperBound, narrowest = plausibleFieldOfView.lowerBound
        return width / 2 / tan(widest / 2 * .pi / 180) ... width / 2 / tan(narrowest / 2 * .pi / 180)
    }

    static func fieldOfView(focal: Double, width: Double) -> Double { 2 * atan(width / (2 * focal)) * 180 / .pi }

    /// The focal length in pixels of a depth grid `gridWidth` wide that covers the whole photo.
    public func focalPx(gridWidth: Int, photoWidth: Int) -> Double { focalPx * Double(gridWidth) / Double(photoWidth) }
}
