import CDirectConvolution
import Dispatch
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
        return shape.inChannels * batch * (shape.height + 2 * shape.padding) * (shape.width + 2 * shape.padding)
    }

    /// input: (C, N, H, W); weights: `DirectConvolutionWeights` of (Cout, C * k * k), or the plain
    /// (1, C * k * k) row for one output channel; bias: (Cout); output: (Cout, N, oh, ow);
    /// padded: `paddedCount` scratch values. Splits the output pixels over `threads` threads.
    /// `isa` (tests only) runs a narrower instruction set than the CPU's.
    static func forward(_ input: UnsafePointer<Float>, batch: Int, shape: ConvolutionShape,
                        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, relu: Bool,
                        output: UnsafeMutablePointer<Float>, padded: UnsafeMutablePointer<Float>, threads: Int,
                        instructionSet isa: Int = instructionSet) {
        let p = shape.padding
        var source = input
        if p > 0 {
            // Planes split over the threads too, so that no step of the layer runs on one thread only.
            let planes = shape.inChannels * batch, parts = max(1, min(threads, planes))
            let (h, w) = (shape.height, shape.width), paddedArea = (h + 2 * p) * (w + 2 * p)
            nonisolated(unsafe) let (from, to) = (input, padded)
            let pad: @Sendable (Int) -> Void = { part in
                let first = planes * part / parts, end = planes * (part + 1) / parts
                dc_pad_planes(from + first * h * w, Int64(end - first), Int32(h), Int32(w), Int32(p), to + first * paddedArea)
            }
            if parts == 1 { pad(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: pad) }
            source = UnsafePointer(padded)
        }
        let description = dc_convolution(
            input: source, in_channels: Int32(shape.inChannels), batch: Int32(batch),
            padded_height: Int32(shape.height + 2 * p), padded_width: Int32(shape.width + 2 * p),
            kernel: Int32(shape.kernel), stride: Int32(shape.stride), out_channels: Int32(shape.outChannels),
            out_height: Int32(shape.outHeight), out_width: Int32(shape.outWidth),
            packed_weights: weights, bias: bias, output: output, relu: relu ? 1 : 0)
        let layer = UnsafeMutablePointer<dc_convolution>.allocate(capacity: 1)
        layer.initialize(to: description)
        defer { layer.deallocate() }
        // Each part writes a disjoint range of output pixels; the description is only read.
        nonisolated(unsafe) let shared = UnsafePointer(layer)
        let isa = Int32(isa)
        if shape.outChannels == 1 {
            let rows = batch * shape.outHeight, parts = max(1, min(threads, rows))
            let run: @Sendable (Int) -> Void = { part in
                let first = rows * part / parts, end = rows * (part + 1) / parts
                dc_single_channel_forward(isa, shared, Int64(first), Int64(end - first))
            }
            if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
            return
        }
        let pixels = batch * shape.outArea
        // Whole tiles of 6 pixels per thread, so no tile is split between two threads.
        let tiles = (pixels + 5) / 6
        let parts = max(1, min(threads, tiles))
        let kLength = shape.columnRows
        let run: @Sendable (Int) -> Void = { part in
            let first = min(pixels, tiles * part / parts * 6), end = min(pixels, tiles * (part + 1) / parts * 6)
            let offsets = UnsafeMutablePointer<Int64>.allocate(capacity: kLength) // (C * k * k)
            defer { offsets.deallocate() }
            dc_convolution_forward(isa, shared, Int64(first), Int64(end - first), offsets)
        }
        if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
    }
}
