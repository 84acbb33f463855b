import Foundation

/// A validated Eigen et al. (2014) depth model: architecture, input normalisation, descriptive
/// metadata and weights. Immutable and `Sendable`: load it once and share it read-only with every
/// `Predictor`.
public struct DepthModel: Sendable {
    /// The `format` metadata value this engine reads.
    public static let formatName = "depthd-eigen2014"
    /// The `format_version` metadata value this engine reads.
    public static let formatVersion = "1"

    /// Layer widths and input/output sizes.
    public let architecture: Architecture
    /// How to turn 8-bit RGB pixels into network input.
    public let normalization: InputNormalization
    /// Short model name (`name`), empty when absent.
    public let name: String
    /// One-line description (`description`), empty when absent.
    public let modelDescription: String
    /// What the weights were trained on (`trained_on`), empty when absent.
    public let trainedOn: String
    /// Test metrics as a JSON object text (`metrics`), `{}` when absent.
    public let metricsJSON: String
    /// What the output means (`output`); always `log_depth_m`.
    public let output: String
    /// The camera the predictions assume (`camera`); the NYU Kinect when the key is absent.
    public let camera: ModelCamera
    /// Every `__metadata__` entry as stored.
    public let metadata: [String: String]
    /// The weights, packed once into one read-only buffer the predictors share (all but those
    /// `halfWeights` holds).
    let weights: PackedWeights
    /// The fully connected layers' weights the file stored as F16, kept as F16 for the kernel that
    /// widens them in registers; nil where the file stored them as F32 or the CPU lacks the
    /// instructions (then they are widened once at load, into `weights`).
    // Held by `weights` rather than stored here: a new stored property changes this struct's
    // layout, which incremental builds of modules that embed a DepthModel do not notice (seen:
    // heap corruption in a stale depthd until DepthService.build and depthd.build were rebuilt).
    var halfWeights: HalfFullyConnectedWeights? { weights.half }
    /// The convolutions `DirectConvolution` runs, their weights packed for it; nil where the CPU
    /// lacks its instructions.
    let directWeights: DirectConvolutionWeights?

    /// Loads and validates a weights file. Throws `ModelError`.
    public init(contentsOfFile path: String) throws(ModelError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        let parsed = data.withUnsafeBytes { raw in Result { () throws(SafetensorsError) in try SafetensorsFile(raw: raw) } }
        switch parsed {
        case .success(let file): try self.init(file: file)
        case .failure(let error): throw .safetensors(error)
        }
    }

    /// Parses and validates a weights file held in memory (a pure function of the bytes). Throws `ModelError`.
    public init(bytes: some Collection<UInt8>) throws(ModelError) {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(bytes: bytes) } catch { throw .safetensors(error) }
        try self.init(file: file)
    }

    /// Validates an already parsed safetensors file as a depth model. Throws `ModelError`.
    public init(file: SafetensorsFile) throws(ModelError) {
        let metadata = file.metadata
        func required(_ key: String) throws(ModelError) -> String {
            guard let value = metadata[key] else { throw .missingMetadata(key: key) }
            return value
        }
        let format = try required("format")
        guard format == Self.formatName else {
            throw .invalidMetadata(key: "format", reason: "\"\(format)\" is not \"\(Self.formatName)\"")
        }
        let version = try required("format_version")
        guard version == Self.formatVersion else {
            throw .invalidMetadata(key: "format_version", reason: "version \(version) is not supported (this engine reads \(Self.formatVersion))")
        }
        let output = try required("output")
        guard output == "log_depth_m" else {
            throw .invalidMetadata(key: "output", reason: "\"\(output)\" is not \"log_depth_m\"")
        }
        let architecture = try Self.decode(Architecture.self, key: "architecture", from: try required("architecture"))
        try architecture.validate()
        let normalization = try Self.decode(InputNormalization.self, key: "input_normalization", from: try required("input_normalization"))
        let metrics = metadata["metrics"] ?? "{}"
        guard (try? JSONSerialization.jsonObject(with: Data(metrics.utf8))) is [String: Any] else {
            throw .invalidMetadata(key: "metrics", reason: "not a JSON object")
        }
        let camera = try metadata["camera"].map { text throws(ModelError) in try ModelCamera.parse(text) } ?? .nyuKinect
        try Self.checkTensors(file.tensors, against: architecture.expectedTensorShapes)

        self.architecture = architecture
        self.normalization = normalization
        self.name = metadata["name"] ?? ""
        self.modelDescription = metadata["description"] ?? ""
        self.trainedOn = metadata["trained_on"] ?? ""
        self.metricsJSON = metrics
        self.output = output
        self.camera = camera
        self.metadata = metadata
        let plan = NetworkPlan(architecture)
        let half = HalfFullyConnectedWeights.available()
            ? plan.fullyConnected.map(\.name).filter { file.storedTypes[$0 + ".weight"] == "F16" } : []
        let halfWeights = half.isEmpty ? nil : HalfFullyConnectedWeights(
            Dictionary(uniqueKeysWithValues: half.compactMap { layer in file.tensors[layer + ".weight"].map { (layer, $0) } }))
        let halfTensorNames = Set(half.map { $0 + ".weight" })
        self.weights = PackedWeights(file.tensors.filter { name, _ in !halfTensorNames.contains(name) }, half: halfWeights)
        let direct = plan.convolutions.filter { DirectConvolution.packs($0.shape) }
        self.directWeights = direct.isEmpty ? nil : DirectConvolutionWeights(
            Dictionary(uniqueKeysWithValues: direct.compactMap { layer in file.tensors[layer.name + ".weight"].map { (layer.name, $0) } }))
    }

    /// A copy of one weight tensor (as F32), by its name in the file; nil if the model has no such tensor.
    public func tensor(named name: String) -> Tensor? {
        if let layer = name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) : nil,
           let tensor = halfWeights?.tensor(layer: layer) {
            return tensor
        }
        return weights.tensor(named: name)
    }

    /// Whether the fully connected layers run on F16 weights widened in the kernel (the file
    /// stored them as F16 and the CPU has the instructions) rather than on F32 copies.
    public var fullyConnectedWeightsAreHalf: Bool { halfWeights != nil }

    /// Bytes of weights the model holds in memory for inference: every tensor as the engine keeps it
    /// (F32, or F16 for `halfWeights`) plus the direct convolution kernels' packed copies.
    public var residentWeightBytes: Int {
        weights.byteCount + (halfWeights?.byteCount ?? 0) + (directWeights?.byteCount ?? 0)
    }

    private static func decode<T: Decodable>(_ type: T.Type, key: String, from text: String) throws(ModelError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch let error as ModelError {
            throw error // a value's own check (`InputNormalization`)
        } catch DecodingError.keyNotFound(let missing, let context) {
            let path = (context.codingPath.map(\.stringValue) + [missing.stringValue]).joined(separator: ".")
            throw .invalidMetadata(key: key, reason: "lacks \(path)")
        } catch DecodingError.typeMismatch(_, let context) {
            throw .invalidMetadata(key: key, reason: "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw .invalidMetadata(key: key, reason: "not valid JSON for this key")
        }
    }

    // Sorted so that the error names the same tensor every time.
    private static func checkTensors(_ tensors: [String: Tensor], against expected: [String: [Int]]) throws(ModelError) {
        for name in expected.keys.sorted() {
            guard let tensor = tensors[name] else { throw .missingTensor(name) }
            let shape = expected[name] ?? []
            guard tensor.shape == shape else { throw .shapeMismatch(tensor: name, actual: tensor.shape, expected: shape) }
        }
        if let extra = tensors.keys.sorted().first(where: { expected[$0] == nil }) {
            throw .unexpectedTensor(extra)
        }
    }
}
