// depthd-bench engine --dir DIR --threads T [--variants paper,half] [--repeats R]
// Reads what training/scripts/bench_engine_torch.py wrote into DIR (weights, shared input, PyTorch's
// outputs and timings), runs the Swift engine on the same weights, input and thread count, and
// prints both side by side. scripts/bench-engine.sh runs the two halves in one go.
import DepthNet
import Dispatch
import Foundation

private struct TorchTimings: Decodable {
    struct Variant: Decodable { let batch1_seconds: Double; let batch8_seconds: Double }
    let threads: Int
    let torch: String
    let variants: [String: Variant]
}

private func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// Median wall time of `body` in seconds over `repeats` runs after one warm-up run.
private func medianSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<max(repeats, 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.sorted()[times.count / 2]
}

func runEngineBenchmark(_ arguments: [String]) -> Int32 {
    guard let directory = option("--dir", in: arguments), let threads = option("--threads", in: arguments).flatMap(Int.init) else {
        FileHandle.standardError.write(Data("usage: depthd-bench engine --dir DIR --threads T [--variants paper,half] [--repeats R]\n".utf8))
        return 2
    }
    let variants = (option("--variants", in: arguments) ?? "paper,half").split(separator: ",").map(String.init)
    let repeats = option("--repeats", in: arguments).flatMap(Int.init) ?? 5
    let batch = 8
    OpenBLAS.setThreadCount(threads)
    do {
        let timingData = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent("torch-timings.json"))
        let torch = try JSONDecoder().decode(TorchTimings.self, from: timingData)
        let peak = OpenBLAS.measureSgemmGFLOPS(size: 1024)
        print("engine benchmark: \(threads) thread(s) (OpenBLAS \(OpenBLAS.threadCount), PyTorch \(torch.threads), torch \(torch.torch)); median of \(repeats) runs, batch 1 of \(2 * repeats)")
        print(String(format: "sgemm peak (1024^3, same run): %.1f GFLOP/s", peak))
        print("variant  batch  swift ms/img  torch ms/img  swift/torch  swift GFLOP/s  % of sgemm peak")
        for variant in variants {
            guard let reference = torch.variants[variant] else {
                FileHandle.standardError.write(Data("no PyTorch timings for variant \(variant)\n".utf8))
                return 1
            }
            let base = URL(fileURLWithPath: directory)
            let model = try DepthModel(contentsOfFile: base.appendingPathComponent("\(variant).safetensors").path)
            let io = try SafetensorsFile(bytes: try Data(contentsOf: base.appendingPathComponent("\(variant).io.safetensors")))
            guard let input = io.tensors["input"], let expected = io.tensors["output"], input.shape.first == batch else {
                FileHandle.standardError.write(Data("\(variant).io.safetensors lacks input (8, 3, H, W) or output\n".utf8))
                return 1
            }
            let predictor = try Predictor(model: model, maximumBatchSize: batch)
            let single = Array(input.values.prefix(predictor.inputLength))          // (1, 3, H, W)
            var output = [Float](repeating: 0, count: batch * predictor.outputLength) // (8, oh, ow)
            let one = try medianSeconds(repeats: 2 * repeats) { _ = try predictor.predictLogDepth(single, count: 1) }
            let eight = try medianSeconds(repeats: repeats) { output = try predictor.predictLogDepth(input.values, count: batch) }
            let difference = zip(output, expected.values).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            let flops = model.architecture.flopsPerImage
            for (label, swift, torchSeconds) in [("1", one, reference.batch1_seconds), ("8", eight / Double(batch), reference.batch8_seconds / Double(batch))] {
                let gflops = flops / swift / 1e9
                print(variant.padding(toLength: 7, withPad: " ", startingAt: 0) + "  " + String(repeating: " ", count: 5 - label.count) + label + String(format: "  %12.1f  %12.1f  %11.2f  %13.1f  %15.0f", swift * 1e3, torchSeconds * 1e3, swift / torchSeconds, gflops, 100 * gflops / peak))
            }
            print(String(format: "%@: %.2f GFLOP per image; largest |swift - torch| over the batch-8 log-depth output: %.3g", variant, flops / 1e9, Double(difference)))
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("engine benchmark failed: \(error)\n".utf8))
        return 1
    }
}
