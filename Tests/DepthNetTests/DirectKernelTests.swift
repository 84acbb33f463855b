import CDirectConvolution
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
                           threads: Int, instructionSet isa: Int, partition: DirectConvolution.Partition? = nil,
                           kBlock: Int = 0) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let packed = DirectConvolutionWeights(["layer": weight], instructionSet: isa)
        return throughChannelMajor(input, weight: weight, stride: stride, padding: padding) { shape, channelMajor, output in
            var padded = [Float](repeating: .nan, count: max(1, c * n * (h + 2 * padding) * (w + 2 * padding))) // (C, N, H + 2p, W + 2p)
            let weights = shape.outChannels == 1 ? nil : packed.pointer("layer")
            weight.values.withUnsafeBufferPointer { plain in
                DirectConvolution.forward(channelMajor, batch: n, shape: shape, weights: weights ?? plain.baseAddress!, bias: bias.values,
                                          relu: relu, output: output, padded: &padded, threads: threads, instructionSet: isa,
                                          partition: partition, kBlock: kBlock)
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
            // Reduction blocks of the default size, or of any size up to past the whole reduction;
            // the engine's split or a forced one.
            let kBlock = seed % 3 == 0 ? 0 : Int.random(in: 1...(c * kernel * kernel + 3), using: &rng)
            let partition = [nil, .pixels, .groups][Int.random(in: 0...2, using: &rng)] as DirectConvolution.Partition?
            let threads = Int.random(in: 1...3, using: &rng)
            let expected = ReferenceKernels.convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, relu: relu)
            let actual = directConvolution(input, weight: weight, bias: bias, stride: stride, padding: padding, relu: relu,
                                           threads: threads, instructionSet: isa, partition: partition, kBlock: kBlock)
            #expect(actual.shape == expected.shape)
            let difference = largestAbsoluteDifference(actual.values, expected.values)
            #expect(difference <= 1e-4, "isa \(isa) Cout \(outChannels) k\(kernel) s\(stride) p\(padding) \(height)x\(width) block \(kBlock) \(String(describing: partition)) threads \(threads): largest difference \(difference)")
        }
    }

    /// Blocks of the reduction that end inside a kernel row, that do not divide it, or that cover
    /// it whole, and the default block on a reduction longer than it and not a multiple of it:
    /// the sums are carried exactly between blocks, so every blocking and split gives the output
    /// of one unblocked pass bit for bit, and that output matches the direct loops.
    @Test(arguments: [(5, 5), (60, 3)])
    func blockedReductionEqualsOnePassBitForBit(channels c: Int, kernel k: Int) {
        for isa in instructionSets {
            var rng = SplitMix64(state: 900 + UInt64(c * k))
            let (n, outChannels, h, w) = (2, isa == 2 ? 70 : 35, 9, 23) // a partial last group
            let input = randomTensor([n, c, h, w], using: &rng)             // (N, C, H, W)
            let weight = randomTensor([outChannels, c, k, k], using: &rng)  // (Cout, C, k, k)
            let bias = randomTensor([outChannels], using: &rng)             // (Cout)
            let steps = c * k * k
            #expect(steps % Int(dc_default_k_block(Int32(isa))) != 0 || steps < Int(dc_default_k_block(Int32(isa))))
            let onePass = directConvolution(input, weight: weight, bias: bias, stride: 1, padding: 2, relu: true, threads: 1,
                                            instructionSet: isa, kBlock: steps)
            let expected = ReferenceKernels.convolution(input, weight: weight, bias: bias, stride: 1, padding: 2, relu: true)
            #expect(largestAbsoluteDifference(onePass.values, expected.values) <= 1e-4, "isa \(isa) C \(c) k\(k)")
            // 7 and 3 end blocks inside rows of 5 (and of 3); steps - 1 leaves a last block of one step.
            for kBlock in [0, 1, 3, 7, k * k, steps - 1, steps + 5] {
                for (threads, partition) in [(1, DirectConvolution.Partition.pixels), (2, .pixels), (2, .groups), (3, .pixels)] {
                    let blocked = directConvolution(input, weight: weight, bias: bias, stride: 1, padding: 2, relu: true,
                                                    threads: threads, instructionSet: isa, partition: partition, kBlock: kBlock)
                    #expect(blocked.values == onePass.values, "isa \(isa) C \(c) k\(k) block \(kBlock) \(partition) threads \(threads)")
                }
            }
        }
    }

    @Test func layersSplitByGroupsOnlyWhereTheThreadsDivideThemAndWeightsOutweighTheInput() {
        // The paper's coarse.conv4 (384 -> 384, 3x3 on 13x18): 5.3 MB of weights against 0.5 MB of input per image.
        let conv4 = ConvolutionShape(inChannels: 384, outChannels: 384, kernel: 3, stride: 1, padding: 1, height: 13, width: 18)
        // fine.conv2 (64 -> 64, 5x5 on 55x74): one group.
        let fine2 = ConvolutionShape(inChannels: 64, outChannels: 64, kernel: 5, stride: 1, padding: 2, height: 55, width: 74)
        #expect(DirectConvolution.partition(conv4, batch: 1, threads: 2, instructionSet: 2) == .groups)
        #expect(DirectConvolution.partition(conv4, batch: 1, threads: 1, instructionSet: 2) == .pixels)
        #expect(DirectConvolution.partition(conv4, batch: 1, threads: 4, instructionSet: 2) == .pixels, "6 groups do not split 4 ways")
        #expect(DirectConvolution.partition(conv4, batch: 64, threads: 2, instructionSet: 2) == .pixels, "the input outweighs the weights")
        #expect(DirectConvolution.partition(fine2, batch: 1, threads: 2, instructionSet: 2) == .pixels)
    }

    /// The single-channel kernel takes four output rows at once and each row in chunks of up to six
    /// vectors: widths from one pixel to several chunks with a partial last vector, and groups of
    /// rows that cross from one image into the next or come up short at the end, on 1 and 3
    /// threads, all equal the direct loops. The kernel is AVX-512F only; elsewhere the test is
    /// reported as skipped rather than passing without running.
    @Test(.enabled(if: DirectConvolution.instructionSet == 2 && dc_single_channel_available(2) != 0),
          arguments: [1, 15, 16, 17, 74, 96, 97, 113, 200, 250])
    func singleChannelRowsMatchDirectLoopsAtEveryWidth(width: Int) {
        var rng = SplitMix64(state: 5000 + UInt64(width))
        let (n, c, height, kernel, padding) = (3, 4, 7, 5, 2)  // 3 x 7 rows: groups of 4 cross images
        let input = randomTensor([n, c, height, width], using: &rng)   // (N, C, H, W)
        let weight = randomTensor([1, c, kernel, kernel], using: &rng)  // (1, C, k, k)
        let bias = randomTensor([1], using: &rng)                       // (1)
        for relu in [false, true] {
            let expected = ReferenceKernels.convolution(input, weight: weight, bias: bias, stride: 1, padding: padding, relu: relu)
            for threads in [1, 3] {
                let actual = directConvolution(input, weight: weight, bias: bias, stride: 1, padding: padding, relu: relu,
                                               threads: threads, instructionSet: 2)
                #expect(actual.shape == expected.shape)
                let difference = largestAbsoluteDifference(actual.values, expected.values)
                #expect(difference <= 1e-4, "width \(width) threads \(threads) relu \(relu): largest difference \(difference)")
            }
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

    /// Enough rows (1100) that two or three threads take them as pieces, each thread as it frees up.
    @Test func directFullyConnectedInPiecesMatchesDirectLoops() {
        var rng = SplitMix64(state: 77)
        let (batch, inputs, outputs) = (3, 70, 1100)
        let input = randomTensor([batch, inputs], using: &rng)   // (N, in)
        let weight = randomTensor([outputs, inputs], using: &rng) // (out, in)
        let bias = randomTensor([outputs], using: &rng)           // (out)
        let expected = ReferenceKernels.fullyConnected(input, weight: weight, bias: bias, relu: true)
        for isa in instructionSets {
            for threads in [1, 2, 3] {
                var output = [Float](repeating: .nan, count: batch * outputs)
                FullyConnected.forward(input.values, batch: batch, inputs: inputs, outputs: outputs, weight: weight.values, bias: bias.values,
                                       relu: true, output: &output, threads: threads, instructionSet: isa)
                #expect(largestAbsoluteDifference(output, expected.values) <= 1e-5, "isa \(isa) threads \(threads)")
            }
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
