// depthd-bench layers --model FILE [--threads T] [--batch B] [--rounds R]
//
// Where a forward pass's time goes: the model's forward pass R times (after one warm-up) at batch
// B on T threads, and per step (convolution, pooling, fully connected) the median milliseconds,
// its share of the steps' total and its GFLOP/s. The copies between steps are not counted.
import DepthNet
import Foundation

func runLayerBenchmark(_ arguments: [String]) -> Int32 {
    guard let path = option("--model", in: arguments) else {
        FileHandle.standardError.write(Data("usage: depthd-bench layers --model FILE [--threads T] [--batch B] [--rounds R]\n".utf8))
        return 2
    }
    let threads = option("--threads", in: arguments).flatMap(Int.init) ?? 1
    let batch = option("--batch", in: arguments).flatMap(Int.init) ?? 1
    let rounds = max(1, option("--rounds", in: arguments).flatMap(Int.init) ?? 200)
    let passes: [[LayerTime]]
    do {
        let model = try DepthModel(contentsOfFile: path)
        OpenBLAS.setThreadCount(threads)
        let predictor = try Predictor(model: model, maximumBatchSize: batch)
        // (batch, 3, H, W) normalised input; values do not change the cost.
        let input = (0..<batch * predictor.inputLength).map { Float($0 % 251) / 125 - 1 }
        _ = try predictor.layerTimes(input, count: batch)
        passes = try (0..<rounds).map { _ in try predictor.layerTimes(input, count: batch) }
    } catch {
        FileHandle.standardError.write(Data("depthd-bench: \(error)\n".utf8))
        return 1
    }
    let steps = passes[0].indices.map { index in
        (name: passes[0][index].step, seconds: median(passes.map { $0[index].seconds }), flops: passes[0][index].flops)
    }
    let total = steps.reduce(0) { $0 + $1.seconds }
    print("layers: \(path), batch \(batch), \(threads) thread(s), median of \(rounds) passes; kernels: \(EngineKernels.description)")
    print("step            ms     share  GFLOP/s")
    for step in steps {
        let rate = step.flops > 0 ? String(format: "%7.1f", step.flops / step.seconds / 1e9) : "      -"
        let name = step.name.padding(toLength: 14, withPad: " ", startingAt: 0)
        print(name + String(format: " %6.3f  %5.1f%%  ", step.seconds * 1e3, 100 * step.seconds / total) + rate)
    }
    print(String(format: "total          %6.3f ms per pass of %d image(s)", total * 1e3, batch))
    return 0
}
