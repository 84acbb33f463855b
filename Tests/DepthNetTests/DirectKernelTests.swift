import Foundation
import Testing
@testable import DepthNet
import TestSupport

/// The direct convolution and fully connected kernels (CDirectConvolution), with every instruction
/// set this CPU can run, against the direct-loop references; and the OpenBLAS kernel choice.
@Suite struct DirectKernelTests {
    /// The instruction sets the CPU can run: 1 (AVX2 + FMA) up to `DirectConvolution.instructionSet`.
    var instructionSets: [Int] { DirectConvolution.instructionSet > 0 ? Array(1...DirectConvolution.instructionSet) : [] }

    /// Runs the direct convolution on an (N, C, H, W) tensor through the engine's (C, N, H, W) layout.
    func directConvolution(_ input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int, relu: Bool,
                           threads: Int, instructionSet isa: Int) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let packed = DirectConvolutionWeights(["layer": weight], instructionSet: isa)
        return throughChannelMajor(input, weight: weight, stride: stride, padding: padding) { shape, channelMajor, output in
            var padded = [Float](repeating: .nan, count: max(1, c * n * (h + 2 * padding) * (w + 2 * padding))) // (C, N, H + 2p, W + 2p)
            let weights = shape.outChannels == 1 ? nil : packed.pointer("layer")
            weight.values.withUnsafeBufferPointer { plain in
                DirectConvolution.forward(channelMajor, batch: n, shape: shape, weights: weights ?? plain.baseAddress!, bias: bias.values,
                                          relu: relu, output: output, padded: &padded, threads: threads, instructionSet: isa)
            }
        }
    }

    @Test(arguments: 0..<32)
    func directConvolutionMatchesDirectLoops(seed: UInt64) {
        for isa in instructionSets {
            var rng = SplitMix64(state: 3000 + seed)
            let kernel = Int.random(in: 1...6, using: &rng)
            // Every fourth case has one output channel and stride 1 (the single-channel row kernel).
            let single = seed % 4 == 3 && isa == 2
            let stride = single ? 1 : Int.random(in: 1...4, using: &rng)
            let padding = Int.random(in: 0...3, using: &rng)
            let height = Int.random(in: kernel...(kernel + 13), using: &rng)
            let width = Int.random(in: kernel...(kernel + 40), using: &rng)
            // Up to 80 output channels: full groups of 64 (AVX-512) or 16 (AVX2) and partial ones.
            let (n, c) = (Int.random(in: 1...3, using: &rng), Int.random(in: 1...9, using: &rng))
            let outChannels = single ? 1 : Int.random(in: 2...80, using: &rng)
            let input = randomTensor([n, c, height, width], using: &rng)             // (N, C, H, W)
            let weight = randomTensor([outChannels, c, kernel, kernel], using: &rng) // (Cout, C, k, k)
            let bias = randomTensor([outChannels], using: &rng)                      // (Cout)
            let relu = seed % 2 == 0
            let expected = ReferenceKernels.convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, relu: relu)
            let actual = directConvolution(input, weight: weight, bias: bias, stride: stride, padding: padding, relu: relu,
                                           threads: Int.random(in: 1...3, using: &rng), instructionSet: isa)
            #expect(actual.shape == expected.shape)
            let difference = largestAbsoluteDifference(actual.values, expected.values)
            #expect(difference <= 1e-4, "isa \(isa) Cout \(outChannels) k\(kernel) s\(stride) p\(padding) \(height)x\(width): largest difference \(difference)")
        }
    }

    @Test func directConvolutionRunsWhereTheCPUHasTheInstructions() {
        let shape = ConvolutionShape(inChannels: 3, outChannels: 8, kernel: 3, stride: 1, padding: 1, height: 8, width: 8)
        #expect(DirectConvolution.handles(shape) == (DirectConvolution.instructionSet > 0))
        #expect(!DirectConvolution.handles(shape, instructionSet: 0), "without the instructions, im2col + sgemm runs")
    }

    @Test(arguments: [1, 2, 3, 5, 8, 11, 16])
    func directFullyConnectedMatchesDirectLoops(batch: Int) {
        var rng = SplitMix64(state: 40 + UInt64(batch))
        // 53 inputs: vectors of 16 plus a masked tail; 29 outputs: row blocks plus a short last one.
        let input = randomTensor([batch, 53], using: &rng) // (N, in)
        let weight = randomTensor([29, 53], using: &rng)   // (out, in)
        let bias = randomTensor([29], using: &rng)         // (out)
        for relu in [false, true] {
            let expected = ReferenceKernels.fullyConnected(input, weight: weight, bias: bias, relu: relu)
            for isa in instructionSets {
                for threads in [1, 3] {
                    var output = [Float](repeating: .nan, count: batch * 29)
                    FullyConnected.forward(input.values, batch: batch, inputs: 53, outputs: 29, weight: weight.values, bias: bias.values,
                                           relu: relu, output: &output, threads: threads, instructionSet: isa)
                    #expect(largestAbsoluteDifference(output, expected.values) <= 1e-5, "isa \(isa) batch \(batch) threads \(threads) relu \(relu)")
                }
            }
            var blas = [Float](repeating: .nan, count: batch * 29)
            FullyConnected.blas(input.values, batch: batch, inputs: 53, outputs: 29, weight: weight.values, bias: bias.values, relu: relu, output: &blas)
            #expect(largestAbsoluteDifference(blas, expected.values) <= 1e-5, "OpenBLAS path, batch \(batch)")
        }
    }

    @Test(arguments: 0..<24)
    func directMaxPoolMatchesDirectLoops(seed: UInt64) {
        var rng = SplitMix64(state: 7000 + seed)
        // Sizes from below one window to several vectors wide, odd and even (ceil-mode borders).
        let (h, w) = (Int.random(in: 1...40, using: &rng), Int.random(in: 1...75, using: &rng))
        let input = randomTensor([2, 3, h, w], using: &rng) // (N, C, H, W)
        let expected = ReferenceKernels.maxPool(input, window: 3, stride: 2)
        for isa in [0] + instructionSets {
            for threads in [1, 2] {
                var output = [Float](repeating: .nan, count: expected.count)
                MaxPool.forward(input.values, planes: 6, height: h, width: w, window: 3, stride: 2, output: &output,
                                threads: threads, instructionSet: isa)
                #expect(output == expected.values, "isa \(isa) threads \(threads) on \(h)x\(w)")
            }
        }
    }

    @Test func openBLASRunsTheWidestKernelFamilyTheCPUHasUnlessTheEnvironmentChoosesOne() {
        let (own, switched) = OpenBLAS.kernelChoice
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil {
            // An explicit choice is respected, never replaced.
            #expect(switched == nil)
            #expect(OpenBLAS.coreName == own)
        } else if OpenBLAS.canChooseKernel {
            #expect(OpenBLAS.betterCore(than: OpenBLAS.coreName) == nil, "OpenBLAS runs \(OpenBLAS.coreName) (its own choice \(own))")
        } else {
            // A build fixed to one kernel family keeps it.
            #expect(switched == nil)
        }
        #expect(OpenBLAS.betterCore(than: "SkylakeX") == nil)
    }
}
