import DepthNet
import Foundation

/// The body of `GET /v1/model`: what model is loaded, from its weights file's metadata
/// (openapi.yaml's `ModelInfo`).
enum ModelDescription {
    static func json(of model: DepthModel) -> JSONValue {
        let a = model.architecture
        let architecture: JSONValue = .object([
            ("input_width", .integer(a.inputWidth)), ("input_height", .integer(a.inputHeight)),
            ("output_width", .integer(a.outputWidth)), ("output_height", .integer(a.outputHeight)),
            ("coarse", .object([("conv1", .integer(a.coarse.conv1)), ("conv2", .integer(a.coarse.conv2)),
                                ("conv3", .integer(a.coarse.conv3)), ("conv4", .integer(a.coarse.conv4)),
                                ("conv5", .integer(a.coarse.conv5)), ("fc6", .integer(a.coarse.fc6))])),
            ("fine", .object([("conv1", .integer(a.fine.conv1)), ("conv2", .integer(a.fine.conv2))])),
            ("gflops_per_image", .number((a.flopsPerImage / 1e7).rounded() / 100)),
        ])
        let floats: ([Float]) -> JSONValue = { .array($0.map { .number(Double($0)) }) }
        return .object([
            ("name", .string(model.name)),
            ("description", .string(model.modelDescription)),
            ("architecture", architecture),
            ("input", .object([("width", .integer(a.inputWidth)), ("height", .integer(a.inputHeight)), ("channels", 3),
                               ("normalization", .object([("mean", floats(model.normalization.mean)),
                                                          ("std", floats(model.normalization.std))]))])),
            ("output", .object([("width", .integer(a.outputWidth)), ("height", .integer(a.outputHeight)), ("unit", "m"),
                                ("meaning", .string(model.output))])),
            ("camera", .object([("focal_px", .number(model.camera.focalPx)), ("width", .integer(model.camera.width)),
                                ("fov_deg", .number((model.camera.fieldOfViewDegrees * 100).rounded() / 100))])),
            ("trained_on", .string(model.trainedOn)),
            ("metrics", metrics(model.metricsJSON)),
        ])
    }

    /// The numeric members of the `metrics` metadata object (validated as an object at load time).
    private static func metrics(_ text: String) -> JSONValue {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return .object([]) }
        return .object(object.keys.sorted().compactMap { key in
            guard let number = object[key] as? NSNumber, !(object[key] is Bool) else { return nil }
            return (key, .number(number.doubleValue))
        })
    }
}
