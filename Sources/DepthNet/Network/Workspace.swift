/// The buffers one predictor owns, sized for its largest batch N; activations in (C, N, H, W) order.
final class Workspace {
    /// Every buffer of a workspace. `count` is the one table of their sizes, which both the
    /// allocation and `valueCount` read.
    enum Buffer: Int, CaseIterable {
        case input, coarseConv1, pool1, coarseConv2, pool2, coarseConv3, coarseConv4, coarseConv5, pool5
        case flat, fc6, fineConv1, concat, fineConv2, fineConv3
        /// Scratch shared by the layers: im2col columns and zero-padded inputs.
        case columns, padded

        /// Values the buffer takes for batches of up to `n`, from the layer table (`NetworkPlan`).
        func count(plan p: NetworkPlan, maximumBatch n: Int) -> Int {
            switch self {
            case .input: return 3 * n * p.input.0 * p.input.1                                  // (3, N, H, W)
            case .coarseConv1: return Self.output(of: p.coarse1, n)                            // (c1, N, 55, 74)
            case .pool1: return p.coarse1.shape.outChannels * n * p.pool1.0 * p.pool1.1         // (c1, N, 27, 37)
            case .coarseConv2: return Self.output(of: p.coarse2, n)                            // (c2, N, 27, 37)
            case .pool2: return p.coarse2.shape.outChannels * n * p.pool2.0 * p.pool2.1         // (c2, N, 13, 18)
            case .coarseConv3: return Self.output(of: p.coarse3, n)                            // (c3, N, 13, 18)
            case .coarseConv4: return Self.output(of: p.coarse4, n)                            // (c4, N, 13, 18)
            case .coarseConv5: return Self.output(of: p.coarse5, n)                            // (c5, N, 13, 18)
            case .pool5: return p.coarse5.shape.outChannels * n * p.pool5.0 * p.pool5.1         // (c5, N, 6, 9)
            case .flat: return n * p.fc6.inputs                                                // (N, c5 * 6 * 9)
            case .fc6: return n * p.fc6.outputs                                                // (N, f6)
            case .fineConv1: return Self.output(of: p.fine1, n)                                // (g1, N, 110, 148)
            // fine.conv2's input: the pooled fine features, then fc7's coarse map as the last channel.
            case .concat: return p.fine2.shape.inChannels * n * p.fine2.shape.height * p.fine2.shape.width // (g1 + 1, N, oh, ow)
            case .fineConv2: return Self.output(of: p.fine2, n)                                // (g2, N, oh, ow)
            case .fineConv3: return Self.output(of: p.fine3, n)                                // (1, N, oh, ow)
            // (C * k * k, group * oh * ow): the largest im2col matrix of a layer `DirectConvolution` does not run.
            case .columns:
                return p.convolutions.map(\.shape).filter { !DirectConvolution.handles($0) }.map { $0.columnCount(batch: n) }.max() ?? 0
            // (C, N, H + 2p, W + 2p): the largest zero-padded input of a layer `DirectConvolution` runs.
            case .padded:
                return p.convolutions.map { DirectConvolution.paddedCount($0.shape, batch: n) }.max() ?? 0
            }
        }

        /// (Cout, N, oh, ow) values of a convolution's output.
        private static func output(of layer: ConvolutionLayer, _ n: Int) -> Int {
            layer.shape.outChannels * n * layer.shape.outArea
        }
    }

    private let buffers: [UnsafeMutablePointer<Float>]

    /// Values all buffers of a predictor for batches of `n` take, without allocating them.
    static func valueCount(plan: NetworkPlan, maximumBatch n: Int) -> Double {
        Buffer.allCases.reduce(0.0) { $0 + Double($1.count(plan: plan, maximumBatch: n)) }
    }

    init(plan: NetworkPlan, maximumBatch n: Int) {
        buffers = Buffer.allCases.map { buffer in
            let count = max(buffer.count(plan: plan, maximumBatch: n), 1)
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            return pointer
        }
    }

    /// The buffer's storage; its address is stable for the workspace's life.
    subscript(_ buffer: Buffer) -> UnsafeMutablePointer<Float> { buffers[buffer.rawValue] }

    deinit { buffers.forEach { $0.deallocate() } }
}
