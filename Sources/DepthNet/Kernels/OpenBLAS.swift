import CBLAS
import CDirectConvolution
import Dispatch
import Foundation

/// Thread control and kernel choice of the OpenBLAS library the engine's matrix products run on.
public enum OpenBLAS {
    /// Sets how many threads each sgemm call and each direct convolution may use (process-wide).
    public static func setThreadCount(_ count: Int) {
        _ = kernelChoice
        openblas_set_num_threads(Int32(clamping: max(count, 1)))
    }

    /// The number of threads OpenBLAS currently uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// The kernel family OpenBLAS runs now ("SkylakeX", "Haswell", ...).
    public static var coreName: String {
        _ = kernelChoice
        return String(cString: openblas_get_corename())
    }

    /// OpenBLAS's build description ("OpenBLAS 0.3.21 DYNAMIC_ARCH ...").
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// How the kernel was chosen: OpenBLAS's own choice at load, and the one the engine switched to
    /// (nil when it kept OpenBLAS's, or when OPENBLAS_CORETYPE was set and so respected).
    public static var kernelChoice: (own: String, switchedTo: String?) { selection }

    /// A line for logs and benchmark reports, e.g. "SkylakeX (OpenBLAS chose Prescott; ...)".
    public static var kernelReport: String {
        let (own, switched) = kernelChoice
        guard let switched else { return "\(own) (OpenBLAS's own choice)" }
        return "\(switched) (OpenBLAS chose \(own) for this CPU; switched because the CPU has \(switched == "SkylakeX" ? "AVX-512" : "AVX2 + FMA"))"
    }

    // OpenBLAS 0.3.21's DYNAMIC_ARCH build picks kernels by CPU model number and falls back to its
    // SSE3 "Prescott" kernels, about 15x slower, on models it does not know (this Xeon, family 6
    // model 0xCF). Where OPENBLAS_CORETYPE is unset and the CPU has the instructions of a better
    // family, the kernel table is chosen again once, before any BLAS call, through OpenBLAS's
    // exported gotoblas_dynamic_quit/init (looked up at run time, so builds without them still run).
    private static let selection: (own: String, switchedTo: String?) = {
        let own = String(cString: openblas_get_corename())
        guard getenv("OPENBLAS_CORETYPE") == nil, let wanted = betterCore(than: own),
              let quit = symbol("gotoblas_dynamic_quit"), let initialise = symbol("gotoblas_dynamic_init") else {
            return (own, nil)
        }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        quit()
        initialise()
        unsetenv("OPENBLAS_CORETYPE")
        let now = String(cString: openblas_get_corename())
        return (own, now == own ? nil : now)
    }()

    /// Whether this OpenBLAS build can choose its kernel family again at run time (DYNAMIC_ARCH
    /// builds such as Debian's export gotoblas_dynamic_init and gotoblas_dynamic_quit).
    static var canChooseKernel: Bool { symbol("gotoblas_dynamic_quit") != nil && symbol("gotoblas_dynamic_init") != nil }

    /// The family to switch to, or nil: SkylakeX on AVX-512 CPUs that got a narrower family,
    /// Haswell on AVX2 + FMA CPUs that got a pre-AVX2 one.
    static func betterCore(than own: String) -> String? {
        let avx512 = ["SkylakeX", "Cooperlake", "SapphireRapids"]
        let avx2 = avx512 + ["Haswell", "Zen"]
        if dc_cpu_has_avx512_skylake() != 0, !avx512.contains(own) { return "SkylakeX" }
        if dc_cpu_has_avx2_fma() != 0, !avx2.contains(own) { return "Haswell" }
        return nil
    }

    private static func symbol(_ name: String) -> (@convention(c) () -> Void)? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil } // RTLD_DEFAULT
        return unsafeBitCast(address, to: (@convention(c) () -> Void).self)
    }
}

extension OpenBLAS {
    /// Measures sgemm throughput in GFLOP/s on square `size` matrices with the current thread count
    /// (best of `repeats` after one warm-up): the peak the engine's GFLOP/s can be judged against.
    public static func measureSgemmGFLOPS(size: Int = 1024, repeats: Int = 5) -> Double {
        _ = kernelChoice
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
