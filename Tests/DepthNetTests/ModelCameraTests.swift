import Foundation
import Testing
@testable import DepthNet

/// The weights metadata key `camera` (the camera contract): read, defaulted, and refused when corrupt.
@Suite struct ModelCameraTests {
    let architecture: Architecture = {
        (try? JSONDecoder().decode(Architecture.self, from: Data(smallArchitectureJSON.utf8))) ?? .paper
    }()

    func model(camera: String?) throws(ModelError) -> DepthModel {
        var metadata = smallModelMetadata()
        metadata["camera"] = camera
        return try DepthModel(bytes: safetensorsBytes(tensors: randomWeights(for: architecture), metadata: metadata))
    }

    @Test func fileWithoutTheKeyAssumesTheNYUKinectAt320Wide() throws {
        let camera = try model(camera: nil).camera
        #expect(camera == ModelCamera(focalPx: 259.43, width: 320))
        #expect(abs(camera.focalPx(atWidth: 640) - 518.86) < 1e-9)
    }

    @Test func declaredCameraIsRead() throws {
        let camera = try model(camera: #"{"focal_px": 300.5, "width": 320}"#).camera
        #expect(camera == ModelCamera(focalPx: 300.5, width: 320))
        #expect(abs(camera.fieldOfViewDegrees - 2 * atan(160 / 300.5) * 180 / .pi) < 1e-12)
    }

    @Test(arguments: [
        ("[259.43, 320]", "not a JSON object"),
        (#"{"focal_px": "259", "width": 320}"#, "focal_px must be a number"),
        (#"{"focal_px": 0, "width": 320}"#, "focal_px must be finite and positive"),
        (#"{"focal_px": -259.43, "width": 320}"#, "focal_px must be finite and positive"),
        (#"{"focal_px": 259.43, "width": 320.5}"#, "width must be a whole number of pixels (1-100000)"),
        (#"{"focal_px": 259.43, "width": 0}"#, "width must be a whole number of pixels (1-100000)"),
        (#"{"focal_px": 259.43}"#, "width must be a whole number of pixels (1-100000)"),
        (#"{"focal_px": 259.43, "width": 320, "height": 240}"#, "unknown member \"height\""),
        (#"{"focal_px": 1e-3, "width": 320}"#, "focal_px 0.001 at width 320 is a 180.0 degree field of view; expected 1 to 170"),
        (#"{"focal_px": 1e6, "width": 320}"#, "focal_px 1000000.0 at width 320 is a 0.0 degree field of view; expected 1 to 170"),
    ])
    func corruptCameraIsALoadErrorNamingTheKey(text: String, reason: String) {
        #expect(throws: ModelError.invalidMetadata(key: "camera", reason: reason)) { try model(camera: text) }
    }
}
