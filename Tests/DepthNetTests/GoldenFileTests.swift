import Foundation
import Testing
@testable import DepthNet
import TestSupport

/// The Swift engine against the PyTorch reference model, through the golden files that
/// training/scripts/make_golden.sh writes into Tests/DepthNetTests/Golden/.
///
/// Tolerance: every activation's largest absolute difference is at most 1e-4 x its scale
/// (the largest absolute expected value, at least 1). For expected files that name a `model`
/// (the bundled one), `act.output` must match within 1e-3 absolute in log depth.
@Suite struct GoldenFileTests {
    static let folder = repositoryRoot.appendingPathComponent("Tests/DepthNetTests/Golden")

    static var expectedFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".expected.safetensors") }.sorted()
    }

    /// The expected files that carry the `rgb` pixels behind their `input` (the random-weight golden
    /// files; the bundled model's file holds `input` and `act.output` only, as docs/weights-format.md says).
    static var expectedFilesWithPixels: [String] {
        expectedFiles.filter { name in
            let url = folder.appendingPathComponent(name)
            return (try? SafetensorsFile(bytes: Data(contentsOf: url)))?.tensors["rgb"] != nil
        }
    }

    @Test func goldenFolderHoldsExpectedFiles() {
        #expect(Self.expectedFilesWithPixels.count >= 2, "no golden files in \(Self.folder.path); run training/scripts/make_golden.sh")
    }

    @Test(arguments: expectedFiles)
    func engineMatchesPyTorch(expectedName: String) throws {
        let expectedPath = Self.folder.appendingPathComponent(expectedName).path
        let expected = try SafetensorsFile(bytes: try Data(contentsOf: URL(fileURLWithPath: expectedPath)))
        let modelPath: String
        if let relative = expected.metadata["model"] {
            modelPath = repositoryRoot.appendingPathComponent(relative).path
        } else {
            modelPath = Self.folder.appendingPathComponent(expectedName.replacingOccurrences(of: ".expected.safetensors", with: ".safetensors")).path
        }
        // A named model that is absent fails here, loudly, with the path.
        let model = try DepthModel(contentsOfFile: modelPath)
        let input = try #require(expected.tensors["input"], "\(expectedName) has no input")
        let batch = input.shape[0]
        let predictor = try Predictor(model: model, maximumBatchSize: batch)
        let actual = try predictor.activations(input.values, count: batch)

        let names = expected.tensors.keys.filter { $0.hasPrefix("act.") }.sorted()
        #expect(names.contains("act.output"))
        for name in names {
            guard let reference = expected.tensors[name] else { continue }
            let mine = try #require(actual[name], "engine has no activation \(name)")
            #expect(mine.shape == reference.shape, "\(name): shape \(mine.shape) vs expected \(reference.shape)")
            let difference = largestAbsoluteDifference(mine.values, reference.values)
            let scale = max(1, reference.values.reduce(0) { max($0, abs($1)) })
            let tolerance: Float = expected.metadata["model"] != nil ? 1e-3 : 1e-4 * scale
            print("golden \(expectedName) \(name): largest |difference| \(difference) (scale \(scale), tolerance \(tolerance))")
            #expect(difference <= tolerance, "\(expectedName) \(name): largest difference \(difference) > \(tolerance)")
        }

        // The fast path (no capture) returns the same output as the captured one.
        let fast = try predictor.predictLogDepth(input.values, count: batch)
        #expect(fast == actual["act.output"]?.values)
    }

    @Test(arguments: expectedFilesWithPixels)
    func normalisationTurnsGoldenPixelsIntoTheGoldenInput(expectedName: String) throws {
        let expected = try SafetensorsFile(bytes: try Data(contentsOf: Self.folder.appendingPathComponent(expectedName)))
        let rgb = try #require(expected.tensors["rgb"]), input = try #require(expected.tensors["input"])
        let modelPath = expected.metadata["model"].map { repositoryRoot.appendingPathComponent($0).path }
            ?? Self.folder.appendingPathComponent(expectedName.replacingOccurrences(of: ".expected.safetensors", with: ".safetensors")).path
        let normalization = try DepthModel(contentsOfFile: modelPath).normalization
        let n = rgb.shape[0], pixelsPerImage = rgb.count / n  // rgb: (N, H, W, 3)
        var planar = [Float](repeating: .nan, count: input.count) // (N, 3, H, W)
        // The function the service's preparation runs (`ImagePreparation`), image by image.
        try planar.withUnsafeMutableBufferPointer { batch in
            for image in 0..<n {
                let pixels = rgb.values[image * pixelsPerImage ..< (image + 1) * pixelsPerImage].map { UInt8($0) }
                try normalization.writePlanes(rgb: pixels, into: batch, index: image)
            }
        }
        #expect(largestAbsoluteDifference(planar, input.values) <= 1e-5)
        let allWritten = planar.allSatisfy { $0.isFinite }
        #expect(allWritten, "every input value written")
    }
}
