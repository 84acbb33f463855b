import Foundation

/// The camera a model's predictions assume (weights metadata `camera`, see docs/weights-format.md):
/// a focal length of `focalPx` pixels for an image `width` pixels wide (the frame the network's
/// input is cropped from, 320 for the paper's 320x240). The service rescales depth by the ratio of
/// the photo's focal length to this one (design.md, "The camera contract").
public struct ModelCamera: Sendable, Equatable, Codable {
    /// Focal length in pixels at `width`.
    public var focalPx: Double
    /// The image width `focalPx` is stated for.
    public var width: Int

    enum CodingKeys: String, CodingKey {
        case focalPx = "focal_px"
        case width
    }

    public init(focalPx: Double, width: Int) {
        self.focalPx = focalPx
        self.width = width
    }

    /// The NYU Depth v2 Kinect (fx = 518.86 px at 640 wide) at 320 wide: what a file without the key means.
    public static let nyuKinect = ModelCamera(focalPx: 259.43, width: 320)

    /// Horizontal fields of view a model's camera may have, in degrees: wider than a fisheye's or
    /// narrower than a long telephoto's is a corrupt file, not a camera.
    public static let plausibleFieldOfView: ClosedRange<Double> = 1...170

    /// The horizontal field of view in degrees.
    public var fieldOfViewDegrees: Double { 2 * atan(Double(width) / (2 * focalPx)) * 180 / .pi }

    /// The focal length in pixels for an image `otherWidth` pixels wide (the same lens).
    public func focalPx(atWidth otherWidth: Double) -> Double { focalPx * otherWidth / Double(width) }

    /// Parses the metadata value; throws `ModelError.invalidMetadata(key: "camera", ...)` naming the fault.
    static func parse(_ text: String) throws(ModelError) -> ModelCamera {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw .invalidMetadata(key: "camera", reason: "not a JSON object")
        }
        // Decoded as Doubles (not through NSNumber, which on Linux also answers `true` for 0 and 1).
        struct Members: Decodable { var focal_px: Double?; var width: Double? }
        guard let members = try? JSONDecoder().decode(Members.self, from: Data(text.utf8)), let focal = members.focal_px else {
            throw .invalidMetadata(key: "camera", reason: "focal_px must be a number")
        }
        guard let width = members.width, width == width.rounded(), width >= 1, width <= 100_000 else {
            throw .invalidMetadata(key: "camera", reason: "width must be a whole number of pixels (1-100000)")
        }
        if let extra = object.keys.sorted().first(where: { $0 != "focal_px" && $0 != "width" }) {
            throw .invalidMetadata(key: "camera", reason: "unknown member \(extra.debugDescription)")
        }
        let camera = ModelCamera(focalPx: focal, width: Int(width))
        guard camera.focalPx.isFinite, camera.focalPx > 0 else {
            throw .invalidMetadata(key: "camera", reason: "focal_px must be finite and positive")
        }
        guard plausibleFieldOfView.contains(camera.fieldOfViewDegrees) else {
            throw .invalidMetadata(key: "camera", reason: "focal_px \(camera.focalPx) at width \(camera.width) is a "
                + String(format: "%.1f", camera.fieldOfViewDegrees) + " degree field of view; expected 1 to 170")
        }
        return camera
    }
}
