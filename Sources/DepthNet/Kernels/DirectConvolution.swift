import CDirectConvolution
import Foundation

/// Register-blocked direct convolution (CDirectConvolution): no im2col matrix, weights packed once
/// per model, the CPU's widest vectors chosen at run time. The engine's convolution wherever the
/// CPU has AVX-512F or AVX2 + FMA; elsewhere `Convolution` (im2col + sgemm) runs instead.
enum DirectConvolution {
    /// The kernels' instruction set on this CPU: 2 AVX-512F, 1 AVX2 + FMA, 0 none. The environment
    /// variable DEPTHNET_KERNELS=openblas forces 0 (every layer on OpenBLAS), for comparisons.
    static let instructionSet: Int = {
        if let choice = getenv("DEPTHNET_KERNELS"), String(cString: choice) == "openblas" { return 0 }
        return Int(dc_instruction_set())
    }()

    /// A name for the instruction set, for reports.
    static var instructionSetName: String {
        switch instructionSet {
        case 2: return "AVX-512F"
        case 1: return "AVX2+FMA"
        default: return "none"
        }
    }

    /// Whether a layer runs here: the CPU has the instructions, and for a single output channel
    /// (its own row kernel, AVX-512F only) the stride is 1.
    static func handles(_ shape: ConvolutionShape, instructionSet isa: Int = instructionSet) -> Bool {
        guard shape.outChannels == 1 else { return isa > 0 }
        return shape.stride == 1 && dc_single_channel_available(Int32(isa)) != 0
    }

    /// Whether a layer's weights are packed (`DirectConvolutionWeights`): every layer this runs
    /// but a single output channel's, which reads the plain (1, C * k * k) row.
    static func packs(_ shape: ConvolutionShape) -> Bool { handles(shape) && shape.outChannels > 1 }

    /// Values of the zero-padded input copy a layer needs: (C, N, H + 2p, W + 2p), or 0 unpadded.
    static func paddedCount(_ shape: ConvolutionShape, batch: Int) -> Int {
        guard handles(shape), shape.padding > 0 else { return 0 }
        return inputCount(shape, batch: batch)
    }

    /// Values of the layer's input as the kernel reads it: (C, N, H + 2p, W + 2p).
    private static func inputCount(_ shape: ConvolutionShape, batch: Int) -> Int {
        shape.inChannels * batch * (shape.height + 2 * shape.padding) * (shape.width + 2 * shape.padding)
    }

    /// How a layer's work is split between threads: by output pixels (every thread reads every
    /// weight group), or by output-channel groups (every thread reads the whole input).
    enum Partition: Equatable {
        case pixels, groups
    }

    /// The split that reads less: by groups where the thread count divides the groups and the
    /// layer's weights outweigh its input (the small late layers at small batches, whose weights
    /// would otherwise be streamed by every thread), else by pixels.
    static func partition(_ shape: ConvolutionShape, batch: Int, threads: Int, instructionSet isa: Int = instructionSet) -> Partition {
        let groups = Int(dc_group_count(Int32(isa), Int32(shape.outChannels)))
        guard threads > 1, groups % threads == 0 else { return .pixels }
        let weights = shape.outChannels * shape.columnRows
        return weights > inputCount(shape, batch: batch) ? .groups : .pixels
    }

    /// input: (C, N, H, W); weights: `DirectConvolutionWeights` of (Cout, C * k * k), or the plain
    /// (1, C * k * k) row for one output channel; bias: (Cout); output: (Cout, N, oh, ow);
    /// padded: `paddedCount` scratch values. Splits the work over `threads` threads (`partition`).
    /// `isa`, `partition` and `kBlock` (reduction steps per block, 0 for the kernel's default) are
    /// for tests: a narrower instruction set than the CPU's, a forced split, small blocks.
    static func forward(_ input: UnsafePointer<Float>, batch: Int, shape: ConvolutionShape,
                        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, relu: Bool,
                        output: UnsafeMutablePointer<Float>, padded: UnsafeMutablePointer<Float>, threads: Int,
                        instructionSet isa: Int = instructionSet, partition forced: Partition? = nil, kBlock: Int = 0) {
        let p = shape.padding
        var source = input
        if p > 0 {
            // Planes split over the threads too, so that no step of the layer runs on one thread only.
            let (h, w) = (shape.height, shape.width), paddedArea = (h + 2 * p) * (w + 2 * p)
            nonisolated(unsafe) let (from, to) = (input, padded)
            ParallelParts.run(shape.inChannels * batch, parts: threads) { first, end in
                dc_pad_planes(from + first * h * w, Int64(end - first), Int32(h), Int32(w), Int32(p), to + first * paddedArea)
            }
            source = UnsafePointer(padded)
        }
        var layer = dc_convolution(
            input: source, in_channels: Int32(shape.inChannels), batch: Int32(batch),
            padded_height: Int32(shape.height + 2 * p), padded_width: Int32(shape.width + 2 * p),
            kernel: Int32(shape.kernel), stride: Int32(shape.stride), out_channels: Int32(shape.outChannels),
            out_height: Int32(shape.outHeight), out_width: Int32(shape.outWidth),
            packed_weights: weights, bias: bias, output: output, relu: relu ? 1 : 0, k_block: Int32(kBlock))
        let split = forced ?? partition(shape, batch: batch, threads: threads, instructionSet: isa)
        let isa = Int32(isa)
        withUnsafePointer(to: &layer) { layer in
            // Each part writes a disjoint range of output pixels or channels; the description is only read.
            nonisolated(unsafe) let shared = layer
            if shape.outChannels == 1 {
                ParallelParts.run(batch * shape.outHeight, parts: threads) { first, end in
                    dc_single_channel_forward(isa, shared, Int64(first), Int64(end - first))
                }
                return
            }
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: shape.columnRows) { offsets in // (C * k * k)
                dc_kernel_offsets(shared, offsets.baseAddress)
                nonisolated(unsafe) let kernelOffsets = UnsafePointer(offsets.baseAddress!)
                let pixels = batch * shape.outArea, tile = Int(DC_TILE_PIXELS)
                let groups = Int(dc_group_count(isa, Int32(shape.outChannels)))
                // groups first..<first+count, pixels over the range, with this piece's own partial sums.
                let run: @Sendable (Int, Int, Int, Int) -> Void = { firstGroup, groupCount, firstPixel, pixelCount in
                    withUnsafeTemporaryAllocation(byteCount: 4 * Int(DC_CHUNK_SUM_COUNT), alignment: 64) { sums in // (64 tiles, 6, 64)
                        dc_convolution_forward(isa, shared, Int32(firstGroup), Int32(groupCount), Int64(firstPixel), Int64(pixelCount),
                                               kernelOffsets, sums.baseAddress!.assumingMemoryBound(to: Float.self))
                    }
                }
                switch split {
                case .groups:
                    // One group per piece, taken by whichever thread is free.
                    ParallelParts.run(groups, parts: threads, pieces: groups) { first, end in run(first, end - first, 0, pixels) }
                case .pixels:
                    // Whole tiles per piece, so no tile is split between two threads; up to 4 pieces
                    // per thread, but no piece under one chunk, since each piece reads every weight.
                    let tiles = (pixels + tile - 1) / tile
                    let pieces = min(4 * threads, tiles / Int(DC_CHUNK_TILES))
                    ParallelParts.run(tiles, parts: threads, pieces: pieces) { firstTile, endTile in
                        let first = min(pixels, firstTile * tile), end = min(pixels, endTile * tile)
                        run(0, groups, first, end - first)
                    }
                }
            }
        }
    }
}
