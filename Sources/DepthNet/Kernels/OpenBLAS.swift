import CBLAS

/// Thread control of the OpenBLAS library every `Predictor` runs its matrix products on.
public enum OpenBLAS {
    /// Sets how many threads each sgemm call may use (process-wide).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(clamping: max(count, 1)))
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
}
