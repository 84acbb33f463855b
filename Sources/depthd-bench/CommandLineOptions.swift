import Foundation

/// The value after `name` in `arguments` ("--rounds 30" gives "30"), or nil when absent or last:
/// the one option parser of every depthd-bench subcommand.
func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// The time of `clock` (CLOCK_THREAD_CPUTIME_ID, CLOCK_PROCESS_CPUTIME_ID, CLOCK_MONOTONIC) in milliseconds.
func milliseconds(on clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
}

/// CPU seconds this process has used, all of its threads together.
func processCPUSeconds() -> Double { milliseconds(on: CLOCK_PROCESS_CPUTIME_ID) / 1e3 }

/// The median of `values` (the upper one of an even count), the one rule every subcommand reports.
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
