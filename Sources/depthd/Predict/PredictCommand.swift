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
            (png16), photo-depth.json (json), photo-color.png (color), photo-depth.npy (npy) or \
            photo-points.ply (ply). With one photo, --output is the file to write; with several, a folder.

            png16: 16-bit grayscale PNG in millimetres (0 = no estimate; tEXt depth-unit=mm, \
            depth-scale=0.001, focal-px, scale-source). json: {"width","height","unit":"m","min",\
            "max","focal_px","scale_source","depth":[row-major]}. color: inferno preview, near = warm. \
            npy: NumPy float32 metres, NaN = no estimate. ply: binary point cloud in metres, OpenCV \
            camera frame, colours from the photo.

            Scale: depth is metric for the photo's camera: --focal-px or --fov-deg, else the photo's \
            EXIF, else the model's own camera. Each written file is printed on stdout as \
            PATH<TAB>focal_px=F<TAB>scale_source=request|exif|model|known.

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

    @Option(help: "png16, json, color, npy or ply.")
    var format = "png16"

    @Option(name: .customLong("focal-px"), help: "The photos' focal length in their own pixels (default: EXIF, else the model's camera).")
    var focalPx: Double?

    @Option(name: .customLong("fov-deg"), help: "The photos' horizontal field of view in degrees (instead of --focal-px).")
    var fovDeg: Double?

    @Option(name: .customLong("min-m"), help: "color: the near end of a fixed colour range, metres (with --max-m).")
    var minM: Double?

    @Option(name: .customLong("max-m"), help: "color: the far end of a fixed colour range, metres (with --min-m).")
    var maxM: Double?

    @Option(help: "ply: every N-th pixel on both axes (default: the smallest N giving at most 1,000,000 points).")
    var step: Int?

    @Option(help: "json: pixels whose depth and 3D position to add, \"x,y;x,y\".")
    var points: String?

    @Option(help: "Known distances \"x,y,metres;...\": rescale the map to fit them.")
    var known: String?

    @Option(help: "tile (windows at the photo's aspect ratio) or squash (the photo squashed to 4:3).")
    var fit = "tile"

    @Option(help: "input (the photo's size) or native (the network's grid, 74x55 for the paper's model).")
    var size = "input"

    @Option(help: "Weights file (.safetensors).")
    var model: String?

    @Option(help: "Photos per network call (1-64).")
    var batch = 4

    @Option(help: "OpenBLAS threads (1-256; default: OpenBLAS's own, usually every core).")
    var threads: Int?

    /// The flags as `POST /v1/depth` query values, read by the service's own parser.
    private func queryValue(_ parameter: DepthRequestOptions.Parameter) -> String? {
        let number = { (value: Double?) in value.map { String($0) } }
        switch parameter {
        case .format: return format
        case .size: return size
        case .focalPx: return number(focalPx)
        case .fovDeg: return number(fovDeg)
        case .minM: return number(minM)
        case .maxM: return number(maxM)
        case .step: return step.map(String.init)
        case .points: return points
        case .known: return known
        case .fit: return fit
        }
    }

    /// `--flag-name` for a parameter (its query name with dashes).
    static func flag(_ parameter: DepthRequestOptions.Parameter) -> String {
        "--" + parameter.rawValue.replacingOccurrences(of: "_", with: "-")
    }

    private func options() throws -> DepthRequestOptions {
        do {
            return try DepthRequestOptions.parse(query: queryValue)
        } catch {
            throw ValidationError(Self.flag(error.parameter) + ": " + error.detail)
        }
    }

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        _ = try options()
        guard (1...64).contains(batch) else { throw ValidationError("--batch must be 1 to 64") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be 1 to 256") }
    }

    func run() async throws {
        let options = try options()
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
                    let image = try pipeline.prepare(InputFile.read(path), options: options)
                    try pipeline.check(image, options: options)
                    prepared.append((index, image))
                } catch let invalid as InvalidParameter {
                    fail(index, invalid.detail)
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
                    print("\(outputs[entry.index])\tfocal_px=\(encoded[.focalPx] ?? "")\tscale_source=\(encoded[.scaleSource] ?? "")")
                } catch let invalid as InvalidParameter {
                    fail(entry.index, invalid.detail)
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
