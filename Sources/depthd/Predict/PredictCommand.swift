import ArgumentParser
import DepthNet
import DepthService
import Foundation

/// `depthd predict`: depth maps for photos on disk, through the same pipeline as the HTTP service.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Write a depth map for each photo (JPEG or PNG).",
        discussion: """
            Without --output, each map is written beside its photo: photo.jpg -> photo-depth.png \
            (png16), photo-depth.json (json) or photo-color.png (color). With one photo, --output is \
            the file to write; with several, a folder.

            png16: 16-bit grayscale PNG in millimetres (0 = no estimate; tEXt depth-unit=mm, \
            depth-scale=0.001). json: {"width","height","unit":"m","min","max","depth":[row-major]}. \
            color: inferno preview, near = warm.

            The default model is \(ServiceConfiguration.defaultModelPath), searched in ., beside the \
            binary, <prefix>/share/depthd, /usr/share/depthd and /app (DEPTHD_MODEL also sets it). \
            Photos above DEPTHD_MAX_PIXELS (default 40 MP) are refused.

            Exit status: 0 when every map was written; 1 when any photo failed (the others are \
            still written); 2 when the model is missing or invalid, or DEPTHD_MODEL or \
            DEPTHD_MAX_PIXELS is malformed (nothing is written); 64 for bad arguments.
            """
    )

    @Argument(help: "JPEG or PNG photos.")
    var images: [String]

    @Option(name: .shortAndLong, help: "Output file (one photo) or folder (several photos).")
    var output: String?

    @Option(help: "png16, json or color.")
    var format = "png16"

    @Option(help: "input (the photo's size) or native (the network's grid, 74x55 for the paper's model).")
    var size = "input"

    @Option(help: "Weights file (.safetensors).")
    var model: String?

    @Option(help: "Photos per network call (1-64).")
    var batch = 4

    @Option(help: "OpenBLAS threads (1-256; default: OpenBLAS's own, usually every core).")
    var threads: Int?

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard DepthRequestOptions.Format(rawValue: format) != nil else {
            throw ValidationError("unknown --format \(format.debugDescription); use png16, json or color")
        }
        guard DepthRequestOptions.Size(rawValue: size) != nil else {
            throw ValidationError("unknown --size \(size.debugDescription); use input or native")
        }
        guard (1...64).contains(batch) else { throw ValidationError("--batch must be 1 to 64") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be 1 to 256") }
    }

    func run() async throws {
        let options = DepthRequestOptions(format: DepthRequestOptions.Format(rawValue: format) ?? .png16,
                                          size: DepthRequestOptions.Size(rawValue: size) ?? .input)
        let pipeline = try loadPipeline()
        if let threads { OpenBLAS.setThreadCount(threads) }
        let outputs: [String]
        do {
            outputs = try OutputPaths.plan(inputs: images, output: output, format: options.format)
        } catch {
            Self.printError("\(error)")
            throw ExitCode(64)
        }
        let predictor: Predictor
        do {
            predictor = try Predictor(model: pipeline.model, maximumBatchSize: min(batch, images.count))
        } catch {
            Self.printError("model \(pipeline.model.name): \(error)")
            throw ExitCode(2)
        }
        let failures = process(pipeline: pipeline, predictor: predictor, options: options, outputs: outputs)
        if failures > 0 { throw ExitCode(1) }
    }

    /// Runs every photo in batches; returns how many failed. Each failure is reported on one line.
    private func process(pipeline: DepthPipeline, predictor: Predictor, options: DepthRequestOptions,
                         outputs: [String]) -> Int {
        let progress = ProgressLine(total: images.count)
        var failures = 0
        var claimed: [String: String] = [:]  // output path -> the photo that writes it
        func fail(_ index: Int, _ reason: String) {
            failures += 1
            progress.report("depthd: \(images[index]): \(reason)")
        }
        for start in stride(from: 0, to: images.count, by: batch) {
            var prepared: [(index: Int, image: PreparedImage)] = []
            for index in start..<min(start + batch, images.count) {
                progress.update(done: index, current: images[index])
                let path = images[index], target = outputs[index]
                if let other = claimed[Self.canonical(target)] {
                    fail(index, "its output \(target) would overwrite the output of \(other)")
                    continue
                }
                if Self.canonical(target) == Self.canonical(path) {
                    fail(index, "its output \(target) would overwrite the photo itself")
                    continue
                }
                claimed[Self.canonical(target)] = path
                do {
                    prepared.append((index, try pipeline.prepare(InputFile.read(path))))
                } catch {
                    fail(index, "\(error)")
                }
            }
            guard !prepared.isEmpty else { continue }
            let maps: [DepthMap]
            do {
                maps = try DepthPipeline.predict(images: prepared.map(\.image), predictor: predictor)
            } catch {
                prepared.forEach { fail($0.index, "prediction failed: \(error)") }
                continue
            }
            for (entry, map) in zip(prepared, maps) {
                do {
                    let encoded = try pipeline.render(map, options: options)
                    try AtomicFile.write(encoded.bytes, to: outputs[entry.index])
                    progress.clear()
                    print(outputs[entry.index])
                } catch {
                    fail(entry.index, "\(error)")
                }
            }
        }
        progress.clear()
        return failures
    }

    /// The model named by --model / DEPTHD_MODEL / the default, found as the service finds it.
    private func loadPipeline() throws -> DepthPipeline {
        let environment = ProcessInfo.processInfo.environment.filter {
            $0.key == Setting.modelPath.environmentVariable || $0.key == Setting.maxPixels.environmentVariable
        }
        let configuration: ServiceConfiguration
        let path: String
        do {
            configuration = try ServiceConfiguration.resolve(environment: environment,
                                                             flags: model.map { [.modelPath: $0] } ?? [:])
            path = try configuration.locateModel(executablePath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        } catch let error as ConfigurationError {
            Self.printError(error.problems.joined(separator: "; "))
            throw ExitCode(2)
        }
        do {
            return DepthPipeline(model: try DepthModel(contentsOfFile: path), maxPixels: configuration.maxPixels)
        } catch .unreadable(_, let reason) {
            Self.printError("model \(path): cannot read: \(reason)")
        } catch {
            Self.printError("model \(path): invalid weights file: \(error)")
        }
        throw ExitCode(2)
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data(("depthd: " + line + "\n").utf8))
    }
}
