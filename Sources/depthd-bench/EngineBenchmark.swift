// depthd-bench engine --dir DIR --threads T [--variants paper,half,paper-f16] [--repeats R] [--report | --report-only]
// Reads what training/scripts/bench_engine_torch.py wrote into DIR (weights, a shared input and
// PyTorch's outputs), times the Swift engine on the same weights, input and thread count, measures
// the sgemm peak in the same process, appends the round to DIR/swift-timings.jsonl and, with
// --report, prints both sides for every thread count the rounds used: for each side the best
// (lowest) of its rounds' medians, so that alternating rounds on a shared machine compare like with
// like, plus the throughput ratio of the largest thread count to one thread. It also prints which
// kernels ran. scripts/bench-engine.sh runs the rounds.
import DepthNet
import Dispatch
import Foundation

private struct Round: Codable {
    struct Variant: Codable {
        let batch1_seconds: Double
        let batch8_seconds: Double
        let batch1_cpu_seconds: Double
        let batch8_cpu_seconds: Double
        var largest_difference: Double?
        var gflop_per_image: Double?
        var weight_bytes: Int?
        var fully_connected_half: Bool?
    }
    let threads: Int
    var torch: String?
    var sgemm_peak_gflops: Double?
    var kernels: String?
    let variants: [String: Variant]
}

/// Median wall seconds and median process CPU seconds (all threads) of `body` over `repeats`
/// runs after one warm-up run.
private func medianSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    try body()
    var wall: [Double] = [], cpu: [Double] = []
    for _ in 0..<max(repeats, 1) {
        let start = DispatchTime.now().uptimeNanoseconds, startCPU = processCPUSeconds()
        try body()
        wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        cpu.append(processCPUSeconds() - startCPU)
    }
    return (median(wall), median(cpu))
}

private func readRounds(_ url: URL) throws -> [Round] {
    try String(decoding: Data(contentsOf: url), as: UTF8.self).split(separator: "\n")
        .map { try JSONDecoder().decode(Round.self, from: Data($0.utf8)) }
}

private func appendRound(_ round: Round, to url: URL) throws {
    let line = try JSONEncoder().encode(round) + Data("\n".utf8)
    if let handle = try? FileHandle(forWritingTo: url) {
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    } else {
        try line.write(to: url)
    }
}

/// One timing round of the Swift engine over the variants.
private func measure(directory: URL, variants: [String], threads: Int, repeats: Int) throws -> Round {
    let batch = 8
    var results: [String: Round.Variant] = [:]
    // The peak is measured before and after the engine's timings and the higher kept, so that a
    // burst of load from other processes during one measurement does not set it.
    var peak = OpenBLAS.measureSgemmGFLOPS(size: 1024)
    for variant in variants {
        let model = try DepthModel(contentsOfFile: directory.appendingPathComponent("\(variant).safetensors").path)
        let io = try SafetensorsFile(bytes: try Data(contentsOf: directory.appendingPathComponent("\(variant).io.safetensors")))
        guard let input = io.tensors["input"], let expected = io.tensors["output"], input.shape.first == batch else {
            throw ModelError.missingTensor("\(variant).io.safetensors: input (8, 3, H, W) or output")
        }
        let predictor = try Predictor(model: model, maximumBatchSize: batch)
        let single = Array(input.values.prefix(predictor.inputLength))          // (1, 3, H, W)
        var output = [Float](repeating: 0, count: batch * predictor.outputLength) // (8, oh, ow)
        let one = try medianSeconds(repeats: 2 * repeats) { _ = try predictor.predictLogDepth(single, count: 1) }
        let eight = try medianSeconds(repeats: repeats) { output = try predictor.predictLogDepth(input.values, count: batch) }
        let difference = zip(output, expected.values).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        results[variant] = Round.Variant(batch1_seconds: one.wall, batch8_seconds: eight.wall,
                                         batch1_cpu_seconds: one.cpu, batch8_cpu_seconds: eight.cpu,
                                         largest_difference: Double(difference), gflop_per_image: model.architecture.flopsPerImage / 1e9,
                                         weight_bytes: model.residentWeightBytes, fully_connected_half: model.fullyConnectedWeightsAreHalf)
        print(String(format: "swift %@: batch 1 %.1f ms, batch 8 %.1f ms/image", variant, one.wall * 1e3, eight.wall * 1e3 / Double(batch)))
    }
    peak = max(peak, OpenBLAS.measureSgemmGFLOPS(size: 1024))
    return Round(threads: OpenBLAS.threadCount, torch: nil, sgemm_peak_gflops: peak,
                 kernels: EngineKernels.description, variants: results)
}

private func report(swift: [Round], torch: [Round], variants: [String]) {
    let batch = 8.0
    let threadCounts = Set(swift.map(\.threads)).sorted()
    print("")
    print("engine benchmark: \(swift.count) Swift rounds and \(torch.count) PyTorch rounds (torch \(torch.first?.torch ?? "?")), alternating; each row is each side's best round median")
    print("kernels: \(swift.last?.kernels ?? "?")")
    print("sgemm peak: OpenBLAS sgemm on 1024^3 with the same thread count, best of the same run (measured before and after every round's engine timings); speed-up: PyTorch time / Swift time")
    // The variant column is as wide as the longest name ("paper-f16"), at least "variant".
    let column = max(7, variants.map(\.count).max() ?? 0)
    print("variant".padding(toLength: column, withPad: " ", startingAt: 0) + "  threads  batch  ms/image  GFLOP/s  sgemm peak  % of peak  torch ms/image  speed-up vs torch  cpu ms/image")
    for variant in variants {
        var throughput: [Int: [Double]] = [:] // threads -> images/s at batch 1, batch 8
        for threads in threadCounts {
            let mine = swift.filter { $0.threads == threads }, theirs = torch.filter { $0.threads == threads }
            let ours = mine.compactMap { $0.variants[variant] }, others = theirs.compactMap { $0.variants[variant] }
            guard let gflop = ours.first?.gflop_per_image else { continue }
            let peak = mine.compactMap(\.sgemm_peak_gflops).max() ?? .nan
            func best(_ rounds: [Round.Variant], _ key: KeyPath<Round.Variant, Double>, per images: Double) -> Double {
                (rounds.map { $0[keyPath: key] }.min() ?? .nan) / images
            }
            for (label, images, wall, cpu) in [("1", 1.0, \Round.Variant.batch1_seconds, \Round.Variant.batch1_cpu_seconds),
                                               ("8", batch, \Round.Variant.batch8_seconds, \Round.Variant.batch8_cpu_seconds)] {
                let (swiftWall, torchWall) = (best(ours, wall, per: images), best(others, wall, per: images))
                let gflops = gflop / swiftWall
                throughput[threads, default: []].append(1 / swiftWall)
                print(variant.padding(toLength: column, withPad: " ", startingAt: 0)
                    + String(format: "  %7d  %5@  %8.1f  %7.1f  %10.1f  %8.0f%%  %14.1f  %16.2fx  %12.1f", threads, label, swiftWall * 1e3, gflops,
                             peak, 100 * gflops / peak, torchWall * 1e3, torchWall / swiftWall, best(ours, cpu, per: images) * 1e3))
            }
        }
        if let most = threadCounts.last, most > 1, let one = throughput[1], let many = throughput[most], one.count == 2, many.count == 2 {
            // The sgemm peak's own ratio says how much of `most` cores the machine gave during the run.
            func peak(_ threads: Int) -> Double { swift.filter { $0.threads == threads }.compactMap(\.sgemm_peak_gflops).max() ?? .nan }
            print(String(format: "%@: %d threads / 1 thread throughput: batch 1 %.2fx, batch 8 %.2fx (sgemm peak in the same run: %.2fx)",
                         variant, most, many[0] / one[0], many[1] / one[1], peak(most) / peak(1)))
        }
        let difference = swift.compactMap { $0.variants[variant]?.largest_difference }.max() ?? .nan
        let gflop = swift.compactMap { $0.variants[variant]?.gflop_per_image }.first ?? .nan
        print(String(format: "%@: %.2f GFLOP per image; largest |swift - torch| in the batch-8 log-depth output: %.3g", variant, gflop, difference))
        if let sample = swift.compactMap({ $0.variants[variant] }).last, let bytes = sample.weight_bytes {
            print(String(format: "%@: weights resident in the engine %.1f MB (fully connected weights held as %@)", variant, Double(bytes) / 1e6,
                         sample.fully_connected_half == true ? "F16, widened in registers" : "F32"))
        }
    }
}

func runEngineBenchmark(_ arguments: [String]) -> Int32 {
    guard let path = option("--dir", in: arguments), let threads = option("--threads", in: arguments).flatMap(Int.init) else {
        FileHandle.standardError.write(Data("usage: depthd-bench engine --dir DIR --threads T [--variants paper,half,paper-f16] [--repeats R] [--report | --report-only]\n".utf8))
        return 2
    }
    let directory = URL(fileURLWithPath: path)
    let variants = (option("--variants", in: arguments) ?? "paper,half").split(separator: ",").map(String.init)
    let repeats = option("--repeats", in: arguments).flatMap(Int.init) ?? 5
    OpenBLAS.setThreadCount(threads)
    do {
        let swiftLog = directory.appendingPathComponent("swift-timings.jsonl")
        // --report-only prints the rounds already recorded without timing another.
        if !arguments.contains("--report-only") {
            try appendRound(try measure(directory: directory, variants: variants, threads: threads, repeats: repeats), to: swiftLog)
        }
        if arguments.contains("--report") || arguments.contains("--report-only") {
            report(swift: try readRounds(swiftLog), torch: try readRounds(directory.appendingPathComponent("torch-timings.jsonl")), variants: variants)
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("engine benchmark failed: \(error)\n".utf8))
        return 1
    }
}
