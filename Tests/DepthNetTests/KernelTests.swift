import Testing
@testable import DepthNet
import TestSupport

/// The fast kernels (im2col + sgemm, separable pooling, batched sgemm) against the direct-loop references.
@Suite struct KernelTests {
    /// Runs the fast convolution on an (N, C, H, W) tensor through the engine's (C, N, H, W) layout.
    func fastConvolution(_ input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int, relu: Bool, groupSize: Int) -> Tensor {
        throughChannelMajor(input, weight: weight, stride: stride, padding: padding) { shape, channelMajor, output in
            var columns = [Float](repeating: .nan, count: shape.columnRows * groupSize * shape.outArea)
            Convolution.forward(channelMajor, batch: input.shape[0], shape: shape, weight: weight.values, bias: bias.values, relu: relu,
                                output: output, columns: &columns, groupSize: groupSize)
        }
    }

    @Test(arguments: 0..<24)
    func im2colConvolutionMatchesDirectLoops(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        let kernel = Int.random(in: 1...6, using: &rng)
        let stride = Int.random(in: 1...4, using: &rng)
        let padding = Int.random(in: 0...3, using: &rng)
        let height = Int.random(in: kernel...(kernel + 13), using: &rng)
        let width = Int.random(in: kernel...(kernel + 13), using: &rng)
        let (n, c, outChannels) = (Int.random(in: 1...4, using: &rng), Int.random(in: 1...5, using: &rng), Int.random(in: 1...6, using: &rng))
        let input = randomTensor([n, c, height, width], using: &rng)          // (N, C, H, W)
        let weight = randomTensor([outChannels, c, kernel, kernel], using: &rng) // (Cout, C, k, k)
        let bias = randomTensor([outChannels], using: &rng)                      // (Cout)
        let relu = seed % 2 == 0
        let expected = ReferenceKernels.convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, relu: relu)
        let actual = fastConvolution(input, weight: weight, bias: bias, stride: stride, padding: padding, relu: relu,
                                     groupSize: Int.random(in: 1...n, using: &rng))
        #expect(actual.shape == expected.shape)
        let difference = largestAbsoluteDifference(actual.values, expected.values)
        #expect(difference <= 1e-4, "k\(kernel) s\(stride) p\(padding) \(height)x\(width): largest difference \(difference)")
    }

    @Test func convolutionWithKernelWiderThanUnpaddedInputMatches() {
        var rng = SplitMix64(state: 99)
        let input = randomTensor([2, 2, 3, 3], using: &rng)       // (N, C, H, W)
        let weight = randomTensor([3, 2, 5, 5], using: &rng)      // (Cout, C, 5, 5)
        let bias = randomTensor([3], using: &rng)
        let expected = ReferenceKernels.convolution(input, weight: weight, bias: bias, stride: 2, padding: 2, relu: false)
        let actual = fastConvolution(input, weight: weight, bias: bias, stride: 2, padding: 2, relu: false, groupSize: 2)
        #expect(largestAbsoluteDifference(actual.values, expected.values) <= 1e-5)
    }

    @Test(arguments: 0..<24)
    func separableMaxPoolMatchesDirectLoops(seed: UInt64) {
        var rng = SplitMix64(state: 1000 + seed)
        let window = Int.random(in: 1...4, using: &rng)
        let stride = Int.random(in: 1...3, using: &rng)
        let (h, w) = (Int.random(in: 1...20, using: &rng), Int.random(in: 1...20, using: &rng))
        let input = randomTensor([2, 3, h, w], using: &rng)  // (N, C, H, W)
        let expected = ReferenceKernels.maxPool(input, window: window, stride: stride)
        var output = [Float](repeating: .nan, count: expected.count)
        var scratch = [Float](repeating: 0, count: w)
        MaxPool.forward(input.values, planes: 6, height: h, width: w, window: window, stride: stride, output: &output, rowScratch: &scratch)
        #expect(output == expected.values, "window \(window) stride \(stride) on \(h)x\(w)")
    }

    @Test func ceilModePoolKeepsPartialBorderWindows() {
        // 4x4 plane 0...15, 3x3/2 ceil: windows start at 0 and 2; the second covers only rows/cols 2...3.
        let input = Tensor(shape: [1, 1, 4, 4], values: (0..<16).map(Float.init))
        #expect(ReferenceKernels.maxPool(input, window: 3, stride: 2) == Tensor(shape: [1, 1, 2, 2], values: [10, 11, 14, 15]))
        #expect([55, 110, 74, 148].map { MaxPool.outputLength($0, window: 3, stride: 2) } == [27, 55, 37, 74])
    }

    @Test(arguments: [1, 5])
    func batchedFullyConnectedMatchesDirectLoops(batch: Int) {
        var rng = SplitMix64(state: 5)
        let input = randomTensor([batch, 37], using: &rng)   // (N, in)
        let weight = randomTensor([11, 37], using: &rng) // (out, in)
        let bias = randomTensor([11], using: &rng)       // (out)
        let expected = ReferenceKernels.fullyConnected(input, weight: weight, bias: bias, relu: true)
        var output = [Float](repeating: .nan, count: batch * 11)
        FullyConnected.forward(input.values, batch: batch, inputs: 37, outputs: 11, weight: weight.values, bias: bias.values, relu: true, output: &output)
        #expect(largestAbsoluteDifference(output, expected.values) <= 1e-5)
    }
}

extension KernelTests {
    @Test(arguments: 0..<8)
    func singleOutputChannelConvolutionMatchesDirectLoops(seed: UInt64) {
        var rng = SplitMix64(state: 500 + seed)
        let kernel = Int.random(in: 1...5, using: &rng), padding = Int.random(in: 0...3, using: &rng)
        let (h, w) = (Int.random(in: kernel...(kernel + 9), using: &rng), Int.random(in: kernel...(kernel + 9), using: &rng))
        let input = randomTensor([3, 4, h, w], using: &rng)          // (N, C, H, W)
        let weight = randomTensor([1, 4, kernel, kernel], using: &rng) // (1, C, k, k)
        let bias = randomTensor([1], using: &rng)
        let expected = ReferenceKernels.convolution(input, weight: weight, bias: bias, stride: 1, padding: padding, relu: seed % 2 == 1)
        let actual = fastConvolution(input, weight: weight, bias: bias, stride: 1, padding: padding, relu: seed % 2 == 1, groupSize: 3)
        #expect(largestAbsoluteDifference(actual.values, expected.values) <= 1e-5, "k\(kernel) p\(padding) \(h)x\(w)")
    }
}

extension KernelTests {
    @Test func convolutionSplitIntoRowBlocksMatchesDirectLoops() {
        var rng = SplitMix64(state: 77)
        let input = randomTensor([2, 3, 47, 303], using: &rng)   // (N, C, H, W)
        let weight = randomTensor([4, 3, 9, 9], using: &rng)     // (Cout, C, 9, 9)
        let bias = randomTensor([4], using: &rng)
        let shape = ConvolutionShape(inChannels: 3, outChannels: 4, kernel: 9, stride: 2, padding: 0, height: 47, width: 303)
        #expect(shape.rowsPerBlock < shape.outHeight, "this shape must exercise row blocks")
        let expected = ReferenceKernels.convolution(input, weight: weight, bias: bias, stride: 2, padding: 0, relu: true)
        let actual = fastConvolution(input, weight: weight, bias: bias, stride: 2, padding: 0, relu: true, groupSize: 2)
        #expect(largestAbsoluteDifference(actual.values, expected.values) <= 1e-4)
    }
}
