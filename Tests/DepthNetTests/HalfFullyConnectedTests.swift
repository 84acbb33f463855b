import Foundation
import Testing
import CDirectConvolution
@testable import DepthNet
import TestSupport

/// The fully connected kernel on weights kept as F16 (widened in registers) against the F32 paths
/// on the same widened values, and a model whose file stores F16 against the same values stored as F32.
@Suite struct HalfFullyConnectedTests {
    /// The instruction sets with a binary16 kernel on this CPU (1 AVX2 + FMA + F16C, 2 AVX-512F).
    var halfInstructionSets: [Int] { (1...2).filter { $0 <= DirectConvolution.instructionSet && HalfFullyConnectedWeights.available(instructionSet: $0) } }

    @Test func halfKernelRunsWhereTheCPUHasTheInstructions() {
        #expect(HalfFullyConnectedWeights.available() == (DirectConvolution.instructionSet == 2
            || (DirectConvolution.instructionSet == 1 && dc_fully_connected_half_available(1) != 0)))
        #expect(!HalfFullyConnectedWeights.available(instructionSet: 0), "without vector kernels the weights stay F32")
    }

    @Test(arguments: [1, 2, 3, 5, 8, 11, 16])
    func halfKernelEqualsTheFloatKernelOnTheWidenedWeightsBitForBit(batch: Int) {
        var rng = SplitMix64(state: 90 + UInt64(batch))
        // 53 inputs: whole vectors plus a padded tail; 29 outputs: row blocks plus a short last one.
        let input = randomTensor([batch, 53], using: &rng)              // (N, in)
        let weight = randomHalfTensor([29, 53], using: &rng, scale: 0.5) // (out, in), exact binary16 values
        let bias = randomTensor([29], using: &rng)                      // (out)
        let packed = HalfFullyConnectedWeights(["layer": weight])
        #expect(packed.byteCount == 2 * 29 * 64, "rows padded to whole vectors of 16 halves")
        #expect(packed.tensor(layer: "layer") == weight, "narrowing binary16 values and widening them back is exact")
        guard let half = packed.pointer("layer") else { Issue.record("layer not packed"); return }
        for relu in [false, true] {
            let reference = ReferenceKernels.fullyConnected(input, weight: weight, bias: bias, relu: relu)
            var blas = [Float](repeating: .nan, count: batch * 29)
            FullyConnected.blas(input.values, batch: batch, inputs: 53, outputs: 29, weight: weight.values, bias: bias.values, relu: relu, output: &blas)
            for isa in halfInstructionSets {
                var float = [Float](repeating: .nan, count: batch * 29)
                FullyConnected.forward(input.values, batch: batch, inputs: 53, outputs: 29, weight: weight.values, bias: bias.values,
                                       relu: relu, output: &float, instructionSet: isa)
                for threads in [1, 3] {
                    var output = [Float](repeating: .nan, count: batch * 29)
                    FullyConnected.forward(input.values, batch: batch, inputs: 53, outputs: 29, halfWeight: half, bias: bias.values,
                                           relu: relu, output: &output, threads: threads, instructionSet: isa)
                    // Same FMAs in the same order: equal bit for bit, not merely close.
                    #expect(output.map(\.bitPattern) == float.map(\.bitPattern), "isa \(isa) batch \(batch) threads \(threads) relu \(relu)")
                    #expect(largestAbsoluteDifference(output, reference.values) <= 1e-5, "vs direct loops, isa \(isa)")
                    #expect(largestAbsoluteDifference(output, blas) <= 1e-5, "vs OpenBLAS, isa \(isa)")
                }
            }
        }
    }

    let architecture: Architecture = {
        (try? JSONDecoder().decode(Architecture.self, from: Data(smallArchitectureJSON.utf8))) ?? .paper
    }()

    /// Random weights for the small architecture, every value exact in binary16.
    func halfExactWeights() -> [String: Tensor] {
        var rng = SplitMix64(state: 2026)
        var tensors: [String: Tensor] = [:]
        for (name, shape) in architecture.expectedTensorShapes.sorted(by: { $0.key < $1.key }) {
            tensors[name] = randomHalfTensor(shape, using: &rng, scale: 0.1)
        }
        return tensors
    }

    @Test func modelStoredAsF16KeepsFullyConnectedWeightsAsF16AndPredictsWhatTheSameValuesAsF32Predict() throws {
        let tensors = halfExactWeights()
        let f32 = try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: smallModelMetadata()))
        let f16 = try DepthModel(bytes: safetensorsBytes(tensors: tensors, metadata: smallModelMetadata(), half: Set(tensors.keys)))
        #expect(!f32.fullyConnectedWeightsAreHalf, "an F32 file keeps the F32 path")
        #expect(f16.fullyConnectedWeightsAreHalf == HalfFullyConnectedWeights.available())
        if f16.fullyConnectedWeightsAreHalf {
            // fc6 (64, 48) and fc7 (352, 64): 4 bytes a weight become 2 (rows of 48 and 64 need no padding).
            let fcWeights = 64 * 48 + 352 * 64
            #expect(f32.residentWeightBytes - f16.residentWeightBytes == 2 * fcWeights)
        }
        for name in ["coarse.fc6.weight", "coarse.fc7.weight", "coarse.fc6.bias", "fine.conv2.weight"] {
            #expect(f16.tensor(named: name) == tensors[name], "\(name) reads back as stored")
        }
        var rng = SplitMix64(state: 77)
        let input = randomTensor([3, 3, 72, 96], using: &rng) // (N, 3, H, W)
        let expected = try Predictor(model: f32, maximumBatchSize: 3).activations(input.values, count: 3)
        let actual = try Predictor(model: f16, maximumBatchSize: 3).activations(input.values, count: 3)
        for name in ["act.coarse.fc6", "act.coarse.fc7", "act.output"] {
            #expect(actual[name]?.values.map(\.bitPattern) == expected[name]?.values.map(\.bitPattern), "\(name) bit for bit")
        }
    }
}
