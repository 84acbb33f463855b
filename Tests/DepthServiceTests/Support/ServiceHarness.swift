import DepthNet
import Foundation
import HTTPServer
import ImageIO
import Logging
import TestSupport
@testable import DepthService

/// Files and models the service tests use, all real: the tiny random-weight model written by the
/// training package, photos encoded by libjpeg/libpng, the ImageIO test fixtures.
enum ServiceFixtures {
    /// The repository root (TestSupport's).
    static let repositoryRoot = TestSupport.repositoryRoot

    /// Paper input/output sizes (304x228 in, 74x55 out), tiny widths, random weights (Fixtures/,
    /// made by training/scripts/make_test_model.sh).
    static let tinyModelPath = repositoryRoot.appendingPathComponent("Tests/DepthServiceTests/Fixtures/tiny-paper-io.safetensors").path

    static func tinyModel() throws -> DepthModel { try DepthModel(contentsOfFile: tinyModelPath) }

    /// The model the service ships with (paper-size network, trained weights, 16 MB).
    static let bundledModelPath = repositoryRoot.appendingPathComponent(ServiceConfiguration.defaultModelPath).path

    static func bundledModel() throws -> DepthModel { try DepthModel(contentsOfFile: bundledModelPath) }

    static func imageFixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/ImageIOTests/Fixtures/\(name)")))
    }

    static let openAPI = OpenAPIDocument(
        bytes: Array((try? Data(contentsOf: repositoryRoot.appendingPathComponent("Sources/DepthService/Resources/openapi.yaml"))) ?? Data()),
        path: "Sources/DepthService/Resources/openapi.yaml")

    /// A smooth colour scene with some texture, `width` x `height`.
    static func scene(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = 3 * (y * width + x)
                pixels[i] = UInt8(truncatingIfNeeded: x * 255 / max(1, width - 1))
                pixels[i + 1] = UInt8(truncatingIfNeeded: y * 255 / max(1, height - 1))
                pixels[i + 2] = UInt8(truncatingIfNeeded: ((x / 16 + y / 16) % 2) * 200 + 20)
            }
        }
        return (try? RGBImage(width: width, height: height, pixels: pixels)) ?? RGBImage(width: width, height: height, filledWith: (0, 0, 0))
    }

    static func jpeg(width: Int = 640, height: Int = 480) throws -> [UInt8] { try ImageEncoder.jpeg(scene(width: width, height: height)) }
    static func png(width: Int = 320, height: Int = 200) throws -> [UInt8] { try ImageEncoder.png(scene(width: width, height: height)) }

    /// A model with twice the paper's coarse convolution widths (about 15 GFLOP per image) and a
    /// narrow fc6, so one inference takes a few hundred milliseconds on one thread: slow enough to
    /// hold a worker while a test fills the queue.
    static func slowModel() throws -> DepthModel {
        var architecture = Architecture.paper
        architecture.coarse = .init(conv1: 96, conv2: 512, conv3: 768, conv4: 768, conv5: 512, fc6: 64)
        var random = SplitMix64(state: 2014)
        var tensors: [(String, [Int], [Float])] = []
        for (name, shape) in architecture.expectedTensorShapes.sorted(by: { $0.key < $1.key }) {
            let count = shape.reduce(1, *)
            let fanIn = max(1, count / max(1, shape[0]))
            let scale = Float((2.0 / Double(fanIn)).squareRoot())
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                values[i] = (random.unit() - 0.5) * 2 * scale * (shape.count == 1 ? 0 : 1)
            }
            tensors.append((name, shape, values))
        }
        let architectureJSON = String(decoding: try JSONEncoder().encode(architecture), as: UTF8.self)
        let metadata: [String: String] = [
            "format": "depthd-eigen2014", "format_version": "1", "architecture": architectureJSON,
            "input_normalization": #"{"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}"#,
            "output": "log_depth_m", "name": "test-slow", "description": "paper convolutions, random weights",
            "trained_on": "nothing (random weights)", "metrics": "{}",
        ]
        return try DepthModel(bytes: safetensors(tensors, metadata: metadata))
    }

    /// safetensors bytes: 8-byte LE header length, JSON header, F32 little-endian data.
    static func safetensors(_ tensors: [(String, [Int], [Float])], metadata: [String: String]) throws -> [UInt8] {
        var entries = ["\"__metadata__\":" + String(decoding: try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys]), as: UTF8.self)]
        var data: [UInt8] = []
        for (name, shape, values) in tensors {
            let start = data.count
            values.withUnsafeBytes { data += $0 }  // little-endian hosts only, as the engine
            entries.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(start),\(data.count)]}")
        }
        let header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        let length = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64($0))) }
        return length + header + data
    }

    /// A multipart/form-data body with one file part per entry, and its Content-Type.
    static func multipart(_ parts: [(name: String, filename: String, contentType: String, body: [UInt8])]) -> (body: [UInt8], contentType: String) {
        let boundary = "depthd-test-boundary-7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        for part in parts {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"; filename=\"\(part.filename)\"\r\nContent-Type: \(part.contentType)\r\n\r\n".utf8)
            body += part.body + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }
}

/// What a PNG's IHDR says, read from the bytes.
struct PNGHeader: Equatable {
    var width: Int, height: Int, bitDepth: Int, colorType: Int

    init(width: Int, height: Int, bitDepth: Int, colorType: Int) {
        (self.width, self.height, self.bitDepth, self.colorType) = (width, height, bitDepth, colorType)
    }

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 29, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
              Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        (width, height, bitDepth, colorType) = (be32(16), be32(20), Int(bytes[24]), Int(bytes[25]))
    }
}

/// A configuration for a live test service: loopback, a kernel-chosen port, one worker.
func testConfiguration(_ adjust: (inout ServiceConfiguration) -> Void = { _ in }) -> ServiceConfiguration {
    var configuration = ServiceConfiguration(coreCount: 2)
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.workers = 1
    configuration.blasThreads = 1
    // One thread count for every batch: OpenBLAS's count is process-wide, so an adaptive server
    // would change it under the other tests' servers (and their byte-for-byte comparisons).
    configuration.adaptiveBLASThreads = false
    configuration.gracePeriod = .seconds(10)
    adjust(&configuration)
    return configuration
}

let silentLogger = Logger(label: "depthd-test") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` against a started service (warmed up unless `warm` is false), then drains it.
func withService(
    _ configuration: ServiceConfiguration = testConfiguration(), model: DepthModel? = nil, warm: Bool = true,
    _ body: (DepthApplication) async throws -> Void
) async throws {
    let application = DepthApplication(configuration: configuration, model: try model ?? ServiceFixtures.tinyModel(),
                                       openAPI: ServiceFixtures.openAPI, logger: silentLogger)
    try application.start()
    do {
        if warm { try await application.warmUp() }
        try await body(application)
    } catch {
        _ = await application.drain(gracePeriod: .seconds(5))
        throw error
    }
    _ = await application.drain(gracePeriod: .seconds(5))
}
