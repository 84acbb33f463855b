#if canImport(Glibc)
import CMalloc
#endif

/// glibc malloc tuning for a long-running server whose requests allocate megabyte buffers
/// (uploads, decoded photos, encoded depth maps) on many threads.
///
/// With glibc's defaults the resident size only grows: every large block freed raises the mmap
/// threshold to its size (up to 32 MiB), so later photo buffers come from the per-thread arenas,
/// where freed memory stays resident and fragments. A fixed threshold turns that raising off:
/// every block of 128 KiB or more gets its own mapping, returned to the kernel when freed.
/// Measured by scripts/reliability/soak.py, 6,000 requests (docs/reliability.md): resident memory
/// after warm-up went from 144 to 173 MiB (+20%) with the defaults, from 61 to 54 MiB with this.
public enum AllocatorTuning {
    /// Blocks at least this large get their own mapping.
    public static let mmapThreshold: Int32 = 128 * 1024

    /// Fixes the mmap threshold through `setOption` (glibc's `mallopt`), unless the environment
    /// sets it (`MALLOC_MMAP_THRESHOLD_`: an operator's choice wins). Returns
    /// `M_MMAP_THRESHOLD=value` when applied, for the start-up log. Call it before the server
    /// starts its threads.
    @discardableResult
    public static func applyServerDefaults(
        environment: [String: String],
        setOption: (_ option: Int32, _ value: Int32) -> Int32 = systemSetOption
    ) -> [String] {
        #if canImport(Glibc)
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil, setOption(M_MMAP_THRESHOLD, mmapThreshold) == 1 {
            return ["M_MMAP_THRESHOLD=\(mmapThreshold)"]
        }
        #endif
        return []
    }

    /// glibc's `mallopt`.
    public static func systemSetOption(_ option: Int32, _ value: Int32) -> Int32 {
        #if canImport(Glibc)
        return mallopt(option, value)
        #else
        return 0
        #endif
    }
}
