// depthd-bench throughput --model FILE [--workers W] [--threads T] [--batch B] [--seconds S]
//
// Engine-only throughput with the service's layout: W threads, each with its own Predictor
// (workspaces for batch B), running batches of B back to back on one shared model for S seconds,
// OpenBLAS set to T threads. Prints one JSON line: predictions per second, the process's CPU time
// per prediction over the same window, and the layout, so that scripts/bench-server.sh can set
// HTTP throughput beside what the engine alone sustains, and an answer's CPU beside a prediction's.
import DepthNet
import Foundation

func runThroughputBenchmark(_ arguments: [String]) -> Int32 {
    func value(_ name: String) -> String? {
        option(name, in: arguments)
    }
    guard let path = value("--model") else {
        FileHandle.standardError.write(Data("usage: depthd-bench throughput --model FILE [--workers W] [--threads T] [--batch B] [--seconds S]\n".utf8))
        return 2
    }
    let workers = value("--workers").flatMap(Int.init) ?? 1
    let threads = value("--threads").flatMap(Int.init) ?? 1
    let batch = value("--batch").flatMap(Int.init) ?? 1
    let seconds = value("--seconds").flatMap(Double.init) ?? 10
    let model: DepthModel
    do { model = try DepthModel(contentsOfFile: path) } catch {
        FileHandle.standardError.write(Data("depthd-bench: \(error)\n".utf8))
        return 1
    }
    OpenBLAS.setThreadCount(threads)
    let counter = ImageCounter()
    let deadline = Date(timeIntervalSinceNow: seconds + 1)  // one second of warm-up first
    let measureFrom = Date(timeIntervalSinceNow: 1)
    let group = DispatchGroup()
    for _ in 0..<workers {
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            guard let predictor = try? Predictor(model: model, maximumBatchSize: batch) else { return }
            // (batch, 3, H, W) normalised input; values do not change the cost.
            let input = (0..<batch * predictor.inputLength).map { Float(($0 % 251)) / 125 - 1 }
            while Date() < deadline {
                _ = try? predictor.predictLogDepth(input, count: batch)
                // Count the batches that complete inside the measured window.
                let now = Date()
                if now >= measureFrom && now < deadline { counter.add(batch) }
            }
        }
        thread.start()
    }
    Thread.sleep(until: measureFrom)
    let startCPU = processCPUSeconds()
    Thread.sleep(until: deadline)
    let cpuSeconds = processCPUSeconds() - startCPU
    group.wait()
    let rate = Double(counter.total) / seconds
    let cpuPerPrediction = counter.total > 0 ? cpuSeconds * 1e3 / Double(counter.total) : 0
    print(#"{"predictions_per_second":\#(String(format: "%.2f", rate)),"cpu_ms_per_prediction":\#(String(format: "%.3f", cpuPerPrediction)),"workers":\#(workers),"threads":\#(threads),"batch":\#(batch),"seconds":\#(seconds)}"#)
    return 0
}

private final class ImageCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.withLock { count += n } }
    var total: Int { lock.withLock { count } }
}
