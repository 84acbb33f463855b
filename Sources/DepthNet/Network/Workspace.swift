/// The buffers one predictor owns, sized for its largest batch N; all in (C, N, H, W) order.
final class Workspace {
    let input, coarseConv1, pool1, coarseConv2, pool2, coarseConv3, coarseConv4, coarseConv5, pool5: UnsafeMutablePointer<Float>
    let flat, fc6, fineConv1, concat, fineConv2, fineConv3, columns, padded: UnsafeMutablePointer<Float>
    private var all: [UnsafeMutablePointer<Float>] = []

    /// Values all buffers of a predictor for batches of `n` take, without allocating them.
    static func valueCount(plan p: NetworkPlan, maximumBatch n: Int) -> Double {
        let perImage = [3 * p.inputArea, p.coarse1.outChannels * (p.coarse1.outArea + p.coarse2.height * p.coarse2.width),
                        p.coarse2.outChannels * (p.coarse2.outArea + p.coarse3.outArea), (p.coarse3.outChannels + p.coarse4.outChannels + p.coarse5.outChannels) * p.coarse3.outArea,
                        p.coarse5.outChannels * p.pool5Area, p.fc6Inputs, p.fc6Outputs, p.fine1.outChannels * p.fine1.outArea,
                        (p.fine1.outChannels + 2 + p.fine2.outChannels) * p.outputArea].reduce(0.0) { $0 + Double($1) }
        return perImage * Double(n) + Double(columnCount(plan: p, maximumBatch: n))
            + Double(paddedCount(plan: p, maximumBatch: n))
    }

    /// Zero-padded input values the largest layer `DirectConvolution` runs with padding needs.
    static func paddedCount(plan p: NetworkPlan, maximumBatch n: Int) -> Int {
        p.convolutions.map { DirectConvolution.paddedCount($0, batch: n) }.max() ?? 0
    }

    /// im2col values the largest layer needs that `DirectConvolution` does not run (none where it runs all).
    static func columnCount(plan p: NetworkPlan, maximumBatch n: Int) -> Int {
        p.convolutions.filter { !DirectConvolution.handles($0) }.map { $0.columnCount(batch: n) }.max() ?? 0
    }

    init(plan p: NetworkPlan, maximumBatch n: Int) {
        var all: [UnsafeMutablePointer<Float>] = []
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            all.append(pointer)
            return pointer
        }
        func area(_ size: (Int, Int)) -> Int { size.0 * size.1 }
        input = buffer(3 * n * p.inputArea)                                    // (3, N, H, W)
        coarseConv1 = buffer(p.coarse1.outChannels * n * area(p.coarse1Size))  // (c1, N, 55, 74)
        pool1 = buffer(p.coarse1.outChannels * n * area(p.pool1Size))          // (c1, N, 27, 37)
        coarseConv2 = buffer(p.coarse2.outChannels * n * area(p.pool1Size))    // (c2, N, 27, 37)
        pool2 = buffer(p.coarse2.outChannels * n * area(p.pool2Size))          // (c2, N, 13, 18)
        coarseConv3 = buffer(p.coarse3.outChannels * n * area(p.pool2Size))    // (c3, N, 13, 18)
        coarseConv4 = buffer(p.coarse4.outChannels * n * area(p.pool2Size))    // (c4, N, 13, 18)
        coarseConv5 = buffer(p.coarse5.outChannels * n * area(p.pool2Size))    // (c5, N, 13, 18)
        pool5 = buffer(p.coarse5.outChannels * n * p.pool5Area)                // (c5, N, 6, 9)
        flat = buffer(n * p.fc6Inputs)                                         // (N, c5 * 6 * 9)
        fc6 = buffer(n * p.fc6Outputs)                                         // (N, f6)
        fineConv1 = buffer(p.fine1.outChannels * n * area(p.fine1Size))        // (g1, N, 110, 148)
        concat = buffer((p.fine1.outChannels + 1) * n * p.outputArea)          // (g1 + 1, N, oh, ow)
        fineConv2 = buffer(p.fine2.outChannels * n * p.outputArea)             // (g2, N, oh, ow)
        fineConv3 = buffer(n * p.outputArea)                                   // (1, N, oh, ow)
        // columns: (C * k * k, group * oh * ow), the largest any layer needs
        columns = buffer(Self.columnCount(plan: p, maximumBatch: n))
        // padded: (C, N, H + 2p, W + 2p) zero-padded input of a direct convolution, the largest any layer needs
        padded = buffer(Self.paddedCount(plan: p, maximumBatch: n))
        self.all = all
    }

    deinit { all.forEach { $0.deallocate() } }
}
