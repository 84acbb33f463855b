import CBLAS
import CDirectConvolution

/// Fully connected layer: CDirectConvolution's AVX-512F / AVX2 kernel where the CPU has one (every
/// weight row read once for up to 8 images, rows split over threads), else one sgemm over the batch.
/// Weights a file stored as F16 may stay F16 (`HalfFullyConnectedWeights`): the kernel widens them
/// in registers, which halves the bytes the layer streams from memory and gives the same sums.
enum FullyConnected {
    /// input: (N, in); weight: (out, in); bias: (out); output: (N, out). `isa` (tests only) runs a
    /// narrower instruction set than the CPU's.
    static func forward(_ input: UnsafePointer<Float>, batch: Int, inputs: Int, outputs: Int,
                        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, relu: Bool,
                        output: UnsafeMutablePointer<Float>, threads: Int = 1,
                        instructionSet: Int = DirectConvolution.instructionSet) {
        let isa = Int32(instructionSet)
        if dc_fully_connected_available(isa) != 0 {
            nonisolated(unsafe) let (x, w, b, y) = (input, weight, bias, output)
            split(outputs: outputs, threads: threads) { first, count in
                dc_fully_connected(isa, w, Int32(outputs), Int32(inputs), x, Int32(batch), b, relu ? 1 : 0, y, Int32(first), Int32(count))
            }
            return
        }
        blas(input, batch: batch, inputs: inputs, outputs: outputs, weight: weight, bias: bias, relu: relu, output: output)
    }

    /// Same as `forward`, on weights packed by `dc_pack_fc_half`: (out, dc_fc_half_row_stride(in))
    /// binary16. Only where `dc_fully_connected_half_available(isa)`; `HalfFullyConnectedWeights`
    /// packs nothing elsewhere.
    static func forward(_ input: UnsafePointer<Float>, batch: Int, inputs: Int, outputs: Int,
                        halfWeight: UnsafePointer<UInt16>, bias: UnsafePointer<Float>, relu: Bool,
                        output: UnsafeMutablePointer<Float>, threads: Int = 1,
                        instructionSet: Int = DirectConvolution.instructionSet) {
        let isa = Int32(instructionSet)
        precondition(dc_fully_connected_half_available(isa) != 0, "binary16 weights need AVX-512F or AVX2 + FMA + F16C")
        nonisolated(unsafe) let (x, w, b, y) = (input, halfWeight, bias, output)
        split(outputs: outputs, threads: threads) { first, count in
            dc_fully_connected_half(isa, w, Int32(outputs), Int32(inputs), x, Int32(batch), b, relu ? 1 : 0, y, Int32(first), Int32(count))
        }
    }

    /// Runs `body(firstRow, rowCount)` on disjoint row ranges over the threads (at least 64 rows
    /// each), up to 4 pieces per thread of at least 256 rows, taken by whichever thread is free:
    /// each piece streams its own rows' weights, so the pieces add no traffic.
    private static func split(outputs: Int, threads: Int, _ body: @escaping @Sendable (Int, Int) -> Void) {
        ParallelParts.run(outputs, parts: min(threads, outputs / 64), pieces: min(4 * threads, outputs / 256)) { first, end in
            body(first, end - first)
        }
    }

    /// The OpenBLAS path (CPUs without AVX2 + FMA). Same arguments as `forward`.
    static func blas(_ input: UnsafePointer<Float>, batch: Int, inputs: Int, outputs: Int,
                     weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, relu: Bool,
                     output: UnsafeMutablePointer<Float>) {
        if batch == 1 {
            // sgemm would first pack the whole weight matrix (fc6 holds tens of millions of values);
            // a matrix-vector product streams it once.
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outputs), Int32(inputs), 1, weight, Int32(inputs), input, 1, 0, output, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(batch), Int32(outputs), Int32(inputs),
                        1, input, Int32(inputs), weight, Int32(inputs), 0, output, Int32(outputs))
        }
        for image in 0..<batch {
            let row = output + image * outputs // (out)
            if relu {
                for o in 0..<outputs { row[o] = max(row[o] + bias[o], 0) }
            } else {
                for o in 0..<outputs { row[o] += bias[o] }
            }
        }
    }
}
