// depthd-bench: benchmarks that print their figures; see scripts/bench-*.sh.
//   depthd-bench engine ARGS...   (EngineBenchmark.swift)
//   depthd-bench decode ARGS...   (DecodeBenchmark.swift)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "engine":
    exit(runEngineBenchmark(Array(arguments.dropFirst())))
case "decode":
    exit(runDecodeBenchmark(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("usage: depthd-bench engine|decode ARGS...\n".utf8))
    exit(2)
}
