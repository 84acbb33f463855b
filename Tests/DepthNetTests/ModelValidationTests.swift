import Foundation
import Testing
@testable import DepthNet
import TestSupport

@Suite struct ModelValidationTests {
    let architecture: Architecture = {
        (try? JSONDecoder().decode(Architecture.self, from: Data(smallArchitectureJSON.utf8))) ?? .paper
    }()

    @Test func loadsAValidModelAndExposesItsArchitecture() throws {
        let model = try DepthModel(bytes: safetensorsBytes(tensors: randomWeights(for: architecture), metadata: smallModelMetadata()))
        #expect(model.architecture.inputWidth == 96 && model.architecture.inputHeight == 72)
        #expect(model.architecture.outputWidth == 22 && model.architecture.outputHeight == 16)
        #expect(model.normalization.mean == [0.485, 0.456, 0.406])
        #expect(model.name == "test-small" && model.trainedOn == "random weights (test)")
        #expect(model.tensor(named: "coarse.fc6.weight")?.shape == [64, 48])
    }

    @Test func paperArchitectureDeclaresThePaperShapes() throws {
        try Architecture.paper.validate()
        let shapes = Architecture.paper.expectedTensorShapes
        #expect(shapes["coarse.fc6.weight"] == [4096, 256 * 6 * 9])
        #expect(shapes["coarse.fc7.weight"] == [74 * 55, 4096])
        #expect(shapes["fine.conv2.weight"] == [64, 64, 5, 5])
        #expect(shapes.count == 20)
    }

    @Test func refusesShapeMismatchNamingTheTensor() {
        var tensors = randomWeights(for: architecture)
        tensors["coarse.fc6.weight"] = Tensor(zeros: [64, 24])
        let bytes = safetensorsBytes(tensors: tensors, metadata: smallModelMetadata())
        #expect(throws: ModelError.shapeMismatch(tensor: "coarse.fc6.weight", actual: [64, 24], expected: [64, 48])) {
            try DepthModel(bytes: bytes)
        }
        #expect(ModelError.shapeMismatch(tensor: "coarse.fc6.weight", actual: [512, 6912], expected: [512, 13824]).description
            == "coarse.fc6.weight has shape [512, 6912] but the architecture declares [512, 13824]")
    }

    @Test func refusesMissingTensor() {
        var tensors = randomWeights(for: architecture)
        tensors["fine.conv2.bias"] = nil
        #expect(throws: ModelError.missingTensor("fine.conv2.bias")) {
            try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: smallModelMetadata()))
        }
    }

    @Test func refusesExtraTensor() {
        var tensors = randomWeights(for: architecture)
        tensors["coarse.fc8.weight"] = Tensor(zeros: [2])
        #expect(throws: ModelError.unexpectedTensor("coarse.fc8.weight")) {
            try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: smallModelMetadata()))
        }
    }

    @Test func refusesBadArchitectureJSON() {
        let tensors = randomWeights(for: architecture)
        #expect(throws: ModelError.invalidMetadata(key: "architecture", reason: "not valid JSON for this key")) {
            try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: smallModelMetadata(architecture: "{\"input_width\":96,")))
        }
        let missingFine = smallArchitectureJSON.replacingOccurrences(of: #","fine":{"conv1":7,"conv2":8}"#, with: "")
        #expect(throws: ModelError.invalidMetadata(key: "architecture", reason: "lacks fine")) {
            try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: smallModelMetadata(architecture: missingFine)))
        }
    }

    @Test func refusesFinePathThatMissesTheDeclaredOutputSize() {
        let wrongOutput = smallArchitectureJSON.replacingOccurrences(of: #""output_width":22"#, with: #""output_width":23"#)
        #expect { try DepthModel(bytes: safetensorsBytes(tensors: randomWeights(for: architecture), metadata: smallModelMetadata(architecture: wrongOutput))) } throws: { error in
            guard case .invalidArchitecture(let reason) = error as? ModelError else { return false }
            return reason.contains("pools a 96x72 input to 22x16") && reason.contains("23x16")
        }
    }

    @Test func refusesMissingOrWrongFormatMetadata() {
        let tensors = randomWeights(for: architecture)
        var metadata = smallModelMetadata()
        metadata["input_normalization"] = nil
        #expect(throws: ModelError.missingMetadata(key: "input_normalization")) { try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: metadata)) }
        metadata = smallModelMetadata()
        metadata["format"] = "something-else"
        #expect(throws: ModelError.self) { try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: metadata)) }
        metadata = smallModelMetadata()
        metadata["input_normalization"] = #"{"mean":[0.5,0.5],"std":[0.2,0.2,0.2]}"#
        #expect(throws: ModelError.self) { try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: metadata)) }
        metadata = smallModelMetadata()
        metadata["metrics"] = "[1]"
        #expect(throws: ModelError.invalidMetadata(key: "metrics", reason: "not a JSON object")) { try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: metadata)) }
    }

    @Test func refusesAbsurdWidthsBeforeAllocating() {
        let huge = smallArchitectureJSON.replacingOccurrences(of: #""fc6":64"#, with: #""fc6":9223372036854775807"#)
        #expect(throws: ModelError.invalidArchitecture("coarse.fc6 is 9223372036854775807; it must be between 1 and 65536")) {
            try DepthModel(bytes: safetensorsBytes(tensors: [:], metadata: smallModelMetadata(architecture: huge)))
        }
    }

    @Test func wrapsSafetensorsErrorsAndUnreadablePaths() {
        #expect(throws: ModelError.safetensors(.headerTooSmall(fileSize: 3))) { try DepthModel(bytes: [1, 2, 3]) }
        #expect { try DepthModel(contentsOfFile: "/nonexistent/model.safetensors") } throws: { error in
            guard case .unreadable(let path, _) = error as? ModelError else { return false }
            return path == "/nonexistent/model.safetensors"
        }
    }

    @Test func predictorRefusesWrongBatchAndBufferSizes() throws {
        let model = try DepthModel(bytes: safetensorsBytes(tensors: randomWeights(for: architecture), metadata: smallModelMetadata()))
        let predictor = try Predictor(model: model, maximumBatchSize: 2)
        #expect(throws: PredictorError.batchSize(requested: 3, maximum: 2)) { try predictor.predictLogDepth([Float](repeating: 0, count: 3 * predictor.inputLength), count: 3) }
        #expect(throws: PredictorError.batchSize(requested: 0, maximum: 2)) { try predictor.predictLogDepth([], count: 0) }
        #expect(throws: PredictorError.bufferSize(name: "input", actual: 5, expected: predictor.inputLength)) { try predictor.predictLogDepth([0, 0, 0, 0, 0], count: 1) }
        #expect(throws: PredictorError.self) { try Predictor(model: model, maximumBatchSize: 0) }
    }

    /// `layerTimes` names every convolution, pooling and fully connected step once, in the order
    /// the pass runs them, with positive times and FLOPs that add up to the plan's for the batch;
    /// timing a pass leaves the prediction as it was.
    @Test func layerTimesListEveryStepInOrderWithThePlansFLOPs() throws {
        let model = try DepthModel(bytes: safetensorsBytes(tensors: randomWeights(for: architecture), metadata: smallModelMetadata()))
        let predictor = try Predictor(model: model, maximumBatchSize: 2)
        var rng = SplitMix64(state: 61)
        let input = randomTensor([2, 3, architecture.inputHeight, architecture.inputWidth], using: &rng) // (2, 3, H, W)
        let before = try predictor.predictLogDepth(input.values, count: 2)
        let times = try predictor.layerTimes(input.values, count: 2)
        let steps: [String] = times.map { $0.step }
        #expect(steps == ["coarse.conv1", "coarse.pool1", "coarse.conv2", "coarse.pool2", "coarse.conv3",
                                      "coarse.conv4", "coarse.conv5", "coarse.pool5", "coarse.fc6", "coarse.fc7",
                                      "fine.conv1", "fine.pool", "fine.conv2", "fine.conv3"])
        #expect(times.allSatisfy { $0.seconds > 0 })
        #expect(times.filter { $0.step.contains("pool") }.allSatisfy { $0.flops == 0 })
        let plan = NetworkPlan(architecture)
        let flops: Double = times.reduce(0) { $0 + $1.flops }
        #expect(abs(flops - 2 * plan.flopsPerImage) <= 1e-6 * plan.flopsPerImage)
        let after = try predictor.predictLogDepth(input.values, count: 2)
        #expect(after == before)
    }

    @Test func predictorRefusesAWorkspaceAboveTheLimitWithoutAllocating() throws {
        // A 4000x3000 input with tiny widths: small weights, but gigabytes of activations at batch 64.
        let json = #"{"input_width":4000,"input_height":3000,"output_width":998,"output_height":748,"coarse":{"conv1":4,"conv2":4,"conv3":4,"conv4":4,"conv5":1,"fc6":1},"fine":{"conv1":64,"conv2":4}}"#
        let architecture = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
        try architecture.validate()
        let model = try DepthModel(bytes: safetensorsBytes(tensors: randomWeights(for: architecture), metadata: smallModelMetadata(architecture: json)))
        #expect { try Predictor(model: model, maximumBatchSize: 64) } throws: { error in
            guard case .workspaceTooLarge(let bytes) = error as? PredictorError else { return false }
            return bytes > Predictor.workspaceLimit
        }
    }
}
