import CBLAS
import Dispatch

/// Thread control of the OpenBLAS library every `Predictor` runs its matrix products on.
public enum OpenBLAS {
    /// Sets how many threads each sgemm call may use (process-wide).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(clamping: max(count, 1)))
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
}

extension OpenBLAS {
    /// Measures sgemm throughput in GFLOP/s on square `size` matrices with the current thread count
    /// (best of `repeats` after one warm-up): the peak the engine's GFLOP/s can be judged against.
    public static func measureSgemmGFLOPS(size: Int = 1024, repeats: Int = 5) -> Double {
        let n = max(size, 1)
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var best = Double.infinity
        for round in 0...max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if round > 0 { best = min(best, seconds) }
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }
}
