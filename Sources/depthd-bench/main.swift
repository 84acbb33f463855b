// depthd-bench: benchmarks that print their figures; see scripts/bench-*.sh.
//   depthd-bench engine ARGS...   (EngineBenchmark.swift)
//   depthd-bench decode ARGS...   (DecodeBenchmark.swift)
//   depthd-bench codecs ARGS...   (CodecBenchmark.swift)
//   depthd-bench throughput ARGS...   (ThroughputBenchmark.swift)
//   depthd-bench layers ARGS...   (LayerBenchmark.swift)
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
case "layers":
    exit(runLayerBenchmark(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("usage: depthd-bench engine|decode|codecs|throughput|layers ARGS...\n".utf8))
    exit(2)
}
