// depthd-bench: benchmarks that print their figures; see scripts/bench-*.sh.
//   depthd-bench engine ARGS...   (EngineBenchmark.swift)
//   depthd-bench decode ARGS...   (DecodeBenchmark.swift)
//   depthd-bench codecs ARGS...   (CodecBenchmark.swift)
//   depthd-bench throughput ARGS...   (ThroughputBenchmark.swift)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "engine":
    exit(runEngineBenchmark(Array(arguments.dropFirst())))
case "decode":
    exit(runDecodeBenchmark(Array(arguments.dropFirst())))
case "codecs":
    exit(runCodecBenchmark(Array(arguments.dropFirst())))
case "throughput":
    exit(runThroughputBenchmark(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("usage: depthd-bench engine|decode|codecs|throughput ARGS...\n".utf8))
    exit(2)
}
