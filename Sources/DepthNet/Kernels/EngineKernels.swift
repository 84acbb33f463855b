import CDirectConvolution

/// Which kernels the engine runs on this CPU, for logs and benchmark reports.
public enum EngineKernels {
    /// The instruction set of the direct convolution and fully connected kernels ("AVX-512F",
    /// "AVX2+FMA"), or nil where the CPU has neither and every layer runs on OpenBLAS.
    public static var directInstructionSet: String? {
        DirectConvolution.instructionSet > 0 ? DirectConvolution.instructionSetName : nil
    }

    /// One line: the convolution kernels, the fully connected kernels and OpenBLAS's kernel family.
    public static var description: String {
        let isa = Int32(DirectConvolution.instructionSet)
        let convolution = directInstructionSet.map { "direct \($0)" } ?? "im2col + OpenBLAS sgemm"
        let half = HalfFullyConnectedWeights.available() ? " (F16-stored weights kept F16, widened in registers)" : " (F16-stored weights widened to F32 at load)"
        let fullyConnected = dc_fully_connected_available(isa) != 0 ? "direct \(DirectConvolution.instructionSetName)\(half)" : "OpenBLAS sgemv/sgemm"
        return "convolutions: \(convolution); fully connected: \(fullyConnected); OpenBLAS kernel: \(OpenBLAS.kernelReport); \(OpenBLAS.configuration)"
    }
}
