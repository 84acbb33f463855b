import Foundation

/// Why a prediction call was refused (the caller passed inconsistent sizes).
public enum PredictorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The batch is empty or larger than the predictor was built for.
    case batchSize(requested: Int, maximum: Int)
    /// The input or output buffer does not hold count x the per-image size.
    case bufferSize(name: String, actual: Int, expected: Int)
    /// The architecture and batch size would need more workspace than `Predictor.workspaceLimit`.
    case workspaceTooLarge(bytes: Double)

    public var description: String {
        switch self {
        case .batchSize(let requested, let maximum):
            return "batch of \(requested) images is outside 1...\(maximum)"
        case .bufferSize(let name, let actual, let expected):
            return "\(name) holds \(actual) values but the batch needs \(expected)"
        case .workspaceTooLarge(let bytes):
            return String(format: "the model and batch size need %.1f GB of workspace, above the %.0f GB limit", bytes / 1e9, Predictor.workspaceLimit / 1e9)
        }
    }
}

/// Runs the coarse+fine network on batches of up to `maximumBatchSize` images. Every workspace is
/// allocated once here. Not thread-safe: give each worker thread its own predictor; they all share
/// one `DepthModel`.
public final class Predictor {
    /// The model whose weights this predictor reads.
    public let model: DepthModel
    /// The largest batch one call accepts.
    public let maximumBatchSize: Int
    private let plan: NetworkPlan
    private let workspace: Workspace
    /// The most workspace memory (bytes) one predictor may allocate; a declared architecture that
    /// needs more is refused rather than allowed to exhaust memory.
    public static let workspaceLimit: Double = 8e9

    /// Creates a predictor and allocates its workspaces for batches of up to `maximumBatchSize`.
    public init(model: DepthModel, maximumBatchSize: Int) throws(PredictorError) {
        guard maximumBatchSize >= 1, maximumBatchSize <= 4096 else {
            throw .batchSize(requested: maximumBatchSize, maximum: 4096)
        }
        _ = OpenBLAS.kernelChoice // before any BLAS call
        let plan = NetworkPlan(model.architecture)
        let bytes = 4 * Workspace.valueCount(plan: plan, maximumBatch: maximumBatchSize)
        guard bytes <= Self.workspaceLimit else { throw .workspaceTooLarge(bytes: bytes) }
        self.model = model
        self.maximumBatchSize = maximumBatchSize
        self.plan = plan
        workspace = Workspace(plan: plan, maximumBatch: maximumBatchSize)
    }

    /// Values per image of the input: 3 * inputHeight * inputWidth.
    public var inputLength: Int { 3 * model.architecture.inputHeight * model.architecture.inputWidth }
    /// Values per image of the output: outputHeight * outputWidth.
    public var outputLength: Int { model.architecture.outputHeight * model.architecture.outputWidth }

    /// Predicts log depth (natural log of metres).
    /// input: (count, 3, H, W) normalised planar floats; output: (count, oh, ow).
    public func predictLogDepth(input: UnsafeBufferPointer<Float>, count: Int,
                                output: UnsafeMutableBufferPointer<Float>) throws(PredictorError) {
        try check(count: count, inputCount: input.count)
        guard output.count == count * outputLength, let target = output.baseAddress, let source = input.baseAddress else {
            throw .bufferSize(name: "output", actual: output.count, expected: count * outputLength)
        }
        run(source, count: count, capture: nil)
        // fine.conv3 output (1, N, oh, ow) is already (N, oh, ow).
        target.update(from: workspace[.fineConv3], count: count * outputLength)
    }

    /// Predicts log depth. input: (count, 3, H, W) normalised; returns (count, oh, ow).
    public func predictLogDepth(_ input: [Float], count: Int) throws(PredictorError) -> [Float] {
        try input.withUnsafeBufferPointer { source throws(PredictorError) in try predictLogDepth(input: source, count: count) }
    }

    /// Predicts log depth from input in place (a slice of a larger buffer, say).
    /// input: (count, 3, H, W) normalised; returns (count, oh, ow).
    public func predictLogDepth(input: UnsafeBufferPointer<Float>, count: Int) throws(PredictorError) -> [Float] {
        var output = [Float](repeating: 0, count: max(count, 0) * outputLength)
        try output.withUnsafeMutableBufferPointer { target throws(PredictorError) in
            try predictLogDepth(input: input, count: count, output: target)
        }
        return output
    }

    /// Predicts depth in metres (the exponential of the log depth). input: (count, 3, H, W); returns (count, oh, ow).
    public func predictDepth(_ input: [Float], count: Int) throws(PredictorError) -> [Float] {
        try predictLogDepth(input, count: count).map { Foundation.exp($0) }
    }

    /// Runs the network and returns every intermediate activation in (N, C, H, W) order, named as in
    /// the golden files (`act.coarse.conv1` ... `act.output`). For tests and debugging; slower.
    public func activations(_ input: [Float], count: Int) throws(PredictorError) -> [String: Tensor] {
        try check(count: count, inputCount: input.count)
        var captured: [String: Tensor] = [:]
        input.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { run(base, count: count) { captured[$0] = $1 } }
        }
        return captured
    }

    /// Runs the network once and returns the time of every convolution, pooling and fully
    /// connected step, in the order they ran (the copies between them are not counted), with the
    /// step's multiply-adds x 2 for the whole batch. input: (count, 3, H, W). For benchmarks
    /// (`depthd-bench layers`).
    public func layerTimes(_ input: [Float], count: Int) throws(PredictorError) -> [LayerTime] {
        try check(count: count, inputCount: input.count)
        var times: [LayerTime] = []
        input.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { run(base, count: count, capture: nil) { times.append($0) } }
        }
        return times
    }

    private func check(count: Int, inputCount: Int) throws(PredictorError) {
        guard count >= 1, count <= maximumBatchSize else { throw .batchSize(requested: count, maximum: maximumBatchSize) }
        guard inputCount == count * inputLength else {
            throw .bufferSize(name: "input", actual: inputCount, expected: count * inputLength)
        }
    }

    /// The whole forward pass; buffers between layers are (C, N, H, W). input: (N, 3, H, W).
    private func run(_ input: UnsafePointer<Float>, count n: Int, capture: ((String, Tensor) -> Void)?,
                     timing: ((LayerTime) -> Void)? = nil) {
        let w = model.weights, s = workspace, p = plan, threads = OpenBLAS.threadCount
        let clock = ContinuousClock()
        // Runs one step, timed when `timing` is set.
        func step(_ name: String, flops: Double, _ body: () -> Void) {
            guard let timing else { return body() }
            let elapsed = clock.measure(body)
            timing(LayerTime(step: name, seconds: elapsed / .seconds(1), flops: flops * Double(n)))
        }
        func conv(_ layer: ConvolutionLayer, _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, relu: Bool) {
            step(layer.name, flops: layer.shape.flopsPerImage) { convolve(layer, source, target, relu: relu) }
        }
        func convolve(_ layer: ConvolutionLayer, _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, relu: Bool) {
            let (name, shape) = (layer.name, layer.shape)
            if DirectConvolution.handles(shape),
               let weights = DirectConvolution.packs(shape) ? model.directWeights?.pointer(name) : w.pointer(name + ".weight") {
                DirectConvolution.forward(source, batch: n, shape: shape, weights: weights, bias: w.pointer(name + ".bias"),
                                          relu: relu, output: target, padded: s[.padded], threads: threads)
                return
            }
            Convolution.forward(source, batch: n, shape: shape, weight: w.pointer(name + ".weight"), bias: w.pointer(name + ".bias"),
                                relu: relu, output: target, columns: s[.columns], groupSize: shape.groupSize(batch: n))
        }
        func fullyConnected(_ layer: FullyConnectedLayer, _ source: UnsafePointer<Float>, relu: Bool,
                            _ target: UnsafeMutablePointer<Float>) {
            step(layer.name, flops: layer.flopsPerImage) { multiply(layer, source, relu: relu, target) }
        }
        func multiply(_ layer: FullyConnectedLayer, _ source: UnsafePointer<Float>, relu: Bool,
                      _ target: UnsafeMutablePointer<Float>) {
            let bias = w.pointer(layer.name + ".bias")
            if let half = model.halfWeights?.pointer(layer.name) {
                FullyConnected.forward(source, batch: n, inputs: layer.inputs, outputs: layer.outputs, halfWeight: half,
                                       bias: bias, relu: relu, output: target, threads: threads)
            } else {
                FullyConnected.forward(source, batch: n, inputs: layer.inputs, outputs: layer.outputs,
                                       weight: w.pointer(layer.name + ".weight"), bias: bias, relu: relu, output: target, threads: threads)
            }
        }
        func pool(_ name: String, _ source: UnsafePointer<Float>, channels: Int, _ size: (Int, Int), _ target: UnsafeMutablePointer<Float>) {
            step(name, flops: 0) {
                MaxPool.forward(source, planes: channels * n, height: size.0, width: size.1,
                                window: NetworkPlan.poolWindow, stride: NetworkPlan.poolStride, output: target, threads: threads)
            }
        }
        func record(_ name: String, _ values: UnsafePointer<Float>, channels: Int, _ size: (Int, Int), flat: Bool = false) {
            guard let capture else { return }
            var tensor = Tensor(zeros: flat ? [n, channels * size.0 * size.1] : [n, channels, size.0, size.1])
            tensor.values.withUnsafeMutableBufferPointer { target in
                if let base = target.baseAddress { swapOuterAxes(values, channels, n, inner: size.0 * size.1, into: base) }
            }
            capture(name, tensor)
        }
        let (c1, c2, c3, c4, c5) = (p.coarse1.shape, p.coarse2.shape, p.coarse3.shape, p.coarse4.shape, p.coarse5.shape)
        let (g1, g2, output) = (p.fine1.shape, p.fine2.shape, p.output)

        // One image is already (3, 1, H, W): read it in place rather than copy 0.8 MB per pass.
        let planes: UnsafePointer<Float>                                                // (3, N, H, W)
        if n == 1 {
            planes = input
        } else {
            swapOuterAxes(input, n, 3, inner: p.input.0 * p.input.1, into: s[.input])
            planes = UnsafePointer(s[.input])
        }
        conv(p.coarse1, planes, s[.coarseConv1], relu: true)                            // (c1, N, 55, 74)
        record("act.coarse.conv1", s[.coarseConv1], channels: c1.outChannels, c1.outSize)
        pool("coarse.pool1", s[.coarseConv1], channels: c1.outChannels, c1.outSize, s[.pool1])  // (c1, N, 27, 37)
        record("act.coarse.pool1", s[.pool1], channels: c1.outChannels, p.pool1)
        conv(p.coarse2, s[.pool1], s[.coarseConv2], relu: true)                         // (c2, N, 27, 37)
        record("act.coarse.conv2", s[.coarseConv2], channels: c2.outChannels, c2.outSize)
        pool("coarse.pool2", s[.coarseConv2], channels: c2.outChannels, c2.outSize, s[.pool2])  // (c2, N, 13, 18)
        record("act.coarse.pool2", s[.pool2], channels: c2.outChannels, p.pool2)
        conv(p.coarse3, s[.pool2], s[.coarseConv3], relu: true)                         // (c3, N, 13, 18)
        record("act.coarse.conv3", s[.coarseConv3], channels: c3.outChannels, c3.outSize)
        conv(p.coarse4, s[.coarseConv3], s[.coarseConv4], relu: true)                   // (c4, N, 13, 18)
        record("act.coarse.conv4", s[.coarseConv4], channels: c4.outChannels, c4.outSize)
        conv(p.coarse5, s[.coarseConv4], s[.coarseConv5], relu: true)                   // (c5, N, 13, 18)
        record("act.coarse.conv5", s[.coarseConv5], channels: c5.outChannels, c5.outSize)
        pool("coarse.pool5", s[.coarseConv5], channels: c5.outChannels, c5.outSize, s[.pool5])  // (c5, N, 6, 9)
        record("act.coarse.pool5", s[.pool5], channels: c5.outChannels, p.pool5)
        swapOuterAxes(s[.pool5], c5.outChannels, n, inner: p.pool5.0 * p.pool5.1, into: s[.flat]) // (N, c5 * 6 * 9)
        fullyConnected(p.fc6, s[.flat], relu: true, s[.fc6])                            // (N, f6)
        record("act.coarse.fc6", s[.fc6], channels: 1, (p.fc6.outputs, 1), flat: true)
        // fc7 writes straight into the concat buffer's last channel: (1, N, oh, ow) == (N, oh * ow).
        let coarseMap = s[.concat] + g1.outChannels * n * p.fc7.outputs
        fullyConnected(p.fc7, s[.fc6], relu: false, coarseMap)                          // (N, oh * ow)
        record("act.coarse.fc7", coarseMap, channels: 1, (p.fc7.outputs, 1), flat: true)
        conv(p.fine1, planes, s[.fineConv1], relu: true)                                // (g1, N, 110, 148)
        record("act.fine.conv1", s[.fineConv1], channels: g1.outChannels, g1.outSize)
        pool("fine.pool", s[.fineConv1], channels: g1.outChannels, g1.outSize, s[.concat])  // (g1, N, oh, ow) of (g1 + 1, N, oh, ow)
        record("act.fine.pool", s[.concat], channels: g1.outChannels, p.finePool)
        record("act.fine.concat", s[.concat], channels: g2.inChannels, p.finePool)
        conv(p.fine2, s[.concat], s[.fineConv2], relu: true)                            // (g2, N, oh, ow)
        record("act.fine.conv2", s[.fineConv2], channels: g2.outChannels, g2.outSize)
        conv(p.fine3, s[.fineConv2], s[.fineConv3], relu: false)                        // (1, N, oh, ow)
        record("act.output", s[.fineConv3], channels: 1, output)
    }
}

/// One step of a timed forward pass (`Predictor.layerTimes`).
public struct LayerTime: Sendable, Equatable {
    /// The layer's name in the weights file (`coarse.conv1`), or the pooling's (`coarse.pool1`).
    public let step: String
    /// Wall-clock seconds the step took.
    public let seconds: Double
    /// Multiply-adds x 2 of the step for the whole batch; 0 for pooling.
    public let flops: Double
}

// Each worker owns its predictor; its workspaces must never be used from two threads at once.
@available(*, unavailable)
extension Predictor: Sendable {}
