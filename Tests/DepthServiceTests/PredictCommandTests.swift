import DepthService
import Foundation
import ImageIO
import Testing

/// `depthd predict` end to end: the built binary, the tiny paper-I/O model, real files.
@Suite final class PredictCommandTests {
    let folder: URL
    let model = ServiceFixtures.tinyModelPath

    init() throws { folder = try DepthdProcess.temporaryFolder() }
    deinit { try? FileManager.default.removeItem(at: folder) }

    private func write(_ bytes: [UInt8], _ name: String) throws {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    private func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    private func predict(_ arguments: [String], environment: [String: String] = [:]) async throws -> DepthdProcess.Result {
        try await DepthdProcess.run(["predict"] + arguments + ["--threads", "1"], in: folder, environment: environment)
    }

    @Test func writesASixteenBitPNGTheSizeOfThePhoto() async throws {
        try write(PipelineFixtures.jpeg(width: 333, height: 250), "photo.jpg")
        let result = try await predict(["photo.jpg", "--output", "d.png", "--model", model])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try read("d.png")
        let depth = try Gray16Image.decodePNG(bytes)
        #expect(depth.width == 333)
        #expect(depth.height == 250)
        #expect(depth.values.allSatisfy { $0 > 0 }, "every pixel has an estimate")
        let text = PipelineFixtures.pngText(bytes)
        #expect(text["depth-unit"] == "mm")
        #expect(text["depth-scale"] == "0.001")
        #expect(text["model"] == "tiny-paper-io")
        // 333x250 is 4:3 within 2 %: one window, s = 320 / 333, the model's camera is 259.43 / s photo pixels.
        #expect(result.stdout == "d.png\tfocal_px=269.97\tscale_source=model\n")
    }

    @Test func writesBesideThePhotoByDefaultInEachFormat() async throws {
        try write(PipelineFixtures.jpeg(width: 200, height: 150), "photo.jpg")
        for format in ["png16", "json", "color"] {
            let result = try await predict(["photo.jpg", "--format", format, "--model", model])
            #expect(result.status == 0, "\(format): \(result.stderr)")
        }
        #expect(try DepthdProcess.contents(folder) == ["photo-color.png", "photo-depth.json", "photo-depth.png", "photo.jpg"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(read("photo-depth.json"))) as? [String: Any])
        #expect(object["width"] as? Int == 200)
        #expect(object["height"] as? Int == 150)
        #expect(object["unit"] as? String == "m")
        let depth = try #require(object["depth"] as? [Double])
        #expect(depth.count == 200 * 150)
        #expect(object["min"] as? Double == depth.min())
        #expect(object["max"] as? Double == depth.max())
        let preview = try ImageDecoder.decode(read("photo-color.png"))
        #expect(preview.size == PixelSize(width: 200, height: 150))
    }

    @Test func nativeSizeIsTheModelsGrid() async throws {
        try write(PipelineFixtures.jpeg(width: 640, height: 480), "photo.jpg")
        let result = try await predict(["photo.jpg", "--size", "native", "-o", "n.png", "--model", model])
        #expect(result.status == 0, "\(result.stderr)")
        let depth = try Gray16Image.decodePNG(read("n.png"))
        #expect(depth.width == 74)
        #expect(depth.height == 55)
    }

    @Test func exifRotatedPhotoGetsAnUprightDepthMap() async throws {
        try write(PipelineFixtures.withOrientation(PipelineFixtures.jpeg(width: 400, height: 300), .rotate90Clockwise), "phone.jpg")
        let result = try await predict(["phone.jpg", "--model", model])
        #expect(result.status == 0, "\(result.stderr)")
        let depth = try Gray16Image.decodePNG(read("phone-depth.png"))
        #expect(depth.width == 300)
        #expect(depth.height == 400)
    }

    /// Bad photos: (file name, bytes or nil for "make it a folder", words the message must contain).
    static let badInputs: [(String, [UInt8]?, String)] = [
        ("notes.jpg", Array("just some text, not a photo\n".utf8), "not an image"),
        ("anim.gif", Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0, 0x3B], "unsupported format GIF"),
        ("pic.webp", Array("RIFF".utf8) + [30, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [UInt8](repeating: 0, count: 20), "unsupported format WebP"),
        ("old.bmp", Array("BM".utf8) + [UInt8](repeating: 0, count: 60), "unsupported format BMP"),
        ("scan.tif", [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0], "unsupported format TIFF"),
        ("huge.png", hugePNGHeader(width: 10_000, height: 10_000), "above the limit of 40 MP"),
        ("folder.jpg", nil, "not a regular file"),
    ]

    @Test(arguments: 0..<badInputs.count)
    func badPhotoFailsWithOneLineNamingItAndLeavesNoFile(_ index: Int) async throws {
        let (name, bytes, reason) = Self.badInputs[index]
        if let bytes {
            try write(bytes, name)
        } else {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: false)
        }
        let before = try DepthdProcess.contents(folder)
        let result = try await predict([name, "--model", model])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("depthd: \(name): "), "\(result.stderr)")
        #expect(result.stderr.contains(reason), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try DepthdProcess.contents(folder) == before, "no output or temporary file left")
    }

    @Test func truncatedPhotosFail() async throws {
        let jpeg = try PipelineFixtures.jpeg(width: 320, height: 240)
        try write(Array(jpeg.prefix(jpeg.count / 2)), "cut.jpg")
        let png = try ImageEncoder.png(PipelineFixtures.photo(width: 320, height: 240))
        try write(Array(png.prefix(png.count / 2)), "cutaway.png")
        let result = try await predict(["cut.jpg", "cutaway.png", "--output", "out", "--model", model])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.contains { $0.hasPrefix("depthd: cut.jpg: ") && $0.contains("JPEG") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("depthd: cutaway.png: truncated PNG") }, "\(lines)")
        #expect(try DepthdProcess.contents(folder.appendingPathComponent("out")) == [])
    }

    @Test func missingPathFails() async throws {
        let result = try await predict(["absent.jpg", "--model", model])
        #expect(result.status == 1)
        #expect(result.stderr == "depthd: absent.jpg: cannot read: no such file or directory\n")
        #expect(try DepthdProcess.contents(folder) == [])
    }

    @Test func pixelCapComesFromTheConfiguration() async throws {
        try write(PipelineFixtures.jpeg(width: 640, height: 480), "photo.jpg")
        let result = try await predict(["photo.jpg", "--model", model], environment: ["DEPTHD_MAX_PIXELS": "100000"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("photo.jpg: image is 640x480 = 0.3 MP, above the limit of 0.1 MP"), "\(result.stderr)")
        #expect(try DepthdProcess.contents(folder) == ["photo.jpg"])
    }

    @Test func oneBadFileInABatchLeavesTheOthersWritten() async throws {
        for (i, size) in [(320, 240), (180, 320), (500, 375), (64, 64), (100, 80)].enumerated() {
            try write(PipelineFixtures.jpeg(width: size.0, height: size.1), "p\(i).jpg")
        }
        try write(Array("not a photo".utf8), "bad.jpg")
        let inputs = ["p0.jpg", "p1.jpg", "bad.jpg", "p2.jpg", "p3.jpg", "p4.jpg"]
        let result = try await predict(inputs + ["--output", "maps", "--batch", "4", "--model", model])
        #expect(result.status == 1)
        #expect(result.stderr == "depthd: bad.jpg: not an image: the data starts with neither a JPEG nor a PNG signature\n")
        let written = try DepthdProcess.contents(folder.appendingPathComponent("maps"))
        #expect(written == ["p0-depth.png", "p1-depth.png", "p2-depth.png", "p3-depth.png", "p4-depth.png"])
        let p1 = try Gray16Image.decodePNG(read("maps/p1-depth.png"))
        #expect(p1.width == 180)
        #expect(p1.height == 320)
    }

    @Test func twoPhotosWithOneOutputNameDoNotOverwriteEachOther() async throws {
        for sub in ["a", "b"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: false)
            try write(PipelineFixtures.jpeg(width: 64, height: 48), "\(sub)/x.jpg")
        }
        let result = try await predict(["a/x.jpg", "b/x.jpg", "--output", "maps", "--model", model])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("depthd: b/x.jpg: its output maps/x-depth.png would overwrite the output of a/x.jpg"))
        #expect(try DepthdProcess.contents(folder.appendingPathComponent("maps")) == ["x-depth.png"])
    }

    // MARK: weights

    @Test func missingModelIsReportedPlainly() async throws {
        try write(PipelineFixtures.jpeg(width: 64, height: 48), "photo.jpg")
        let result = try await predict(["photo.jpg", "--model", "nowhere/model.safetensors"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("model file not found"), "\(result.stderr)")
        #expect(result.stderr.contains("nowhere/model.safetensors"))
        #expect(try DepthdProcess.contents(folder) == ["photo.jpg"])
    }

    @Test func defaultModelIsSearchedAndReportedWhenAbsent() async throws {
        try write(PipelineFixtures.jpeg(width: 64, height: 48), "photo.jpg")
        let candidates = ServiceConfiguration().modelCandidates(executablePath: try DepthdProcess.binary()).dropFirst()
        let installed = candidates.filter { FileManager.default.fileExists(atPath: $0) }
        let result = try await predict(["photo.jpg"])
        guard installed.isEmpty else {
            // A machine with the model installed (e.g. the container image) finds it instead.
            #expect(result.status == 0, "found \(installed): \(result.stderr)")
            return
        }
        #expect(result.status == 2)
        #expect(result.stderr.contains("models/eigen2014-synthetic.safetensors"), "\(result.stderr)")
        #expect(try DepthdProcess.contents(folder) == ["photo.jpg"])
    }

    @Test func defaultModelIsFoundInTheWorkingDirectory() async throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("models"), withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: model, toPath: folder.appendingPathComponent("models/eigen2014-synthetic.safetensors").path)
        try write(PipelineFixtures.jpeg(width: 64, height: 48), "photo.jpg")
        let result = try await predict(["photo.jpg"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Gray16Image.decodePNG(read("photo-depth.png")).width == 64)
    }

    /// Bad weights files made from the fixture: (name, transform of its bytes, words in the message).
    static let badWeights: [(String, @Sendable ([UInt8]) -> [UInt8], String)] = [
        ("random.safetensors", { _ in (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) } }, "invalid weights file"),
        ("cut.safetensors", { Array($0.prefix($0.count / 2)) }, "invalid weights file"),
        // Same-length edit of the declared architecture: fc6 8 -> 9, so the tensors no longer match.
        ("mismatched.safetensors", { replace($0, "\\\"fc6\\\":8", with: "\\\"fc6\\\":9") }, "coarse.fc6"),
    ]

    @Test(arguments: 0..<badWeights.count)
    func badWeightsFileIsRefusedNamingItAndTheReason(_ index: Int) async throws {
        let (name, transform, reason) = Self.badWeights[index]
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
        let bad = transform(original)
        #expect(bad != original)
        try write(bad, name)
        try write(PipelineFixtures.jpeg(width: 64, height: 48), "photo.jpg")
        let before = try DepthdProcess.contents(folder)
        let result = try await predict(["photo.jpg", "--model", name])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("depthd: model \(name): "), "\(result.stderr)")
        #expect(result.stderr.contains(reason), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try DepthdProcess.contents(folder) == before)
    }

    @Test func badArgumentsAreUsageErrors() async throws {
        try write(PipelineFixtures.jpeg(width: 64, height: 48), "photo.jpg")
        for arguments in [["--format", "gif"], ["--size", "huge"], ["--batch", "0"], ["--focal-px", "0"],
                          ["--focal-px", "500", "--fov-deg", "60"], ["--format", "json", "--step", "2"],
                          ["--known", "1,2"], ["--fit", "crop"]] {
            let result = try await predict(["photo.jpg", "--model", model] + arguments)
            #expect(result.status == 64, "\(arguments)")
        }
        let both = try await predict(["photo.jpg", "--model", model, "--focal-px", "500", "--fov-deg", "60"])
        #expect(both.stderr.contains("--fov-deg: Give either focal_px or fov_deg, not both."), "\(both.stderr)")
        #expect(try DepthdProcess.contents(folder) == ["photo.jpg"])
    }

    @Test func doublingTheFocalLengthDoublesTheDepthToTheMillimetre() async throws {
        try write(PipelineFixtures.jpeg(width: 400, height: 300), "photo.jpg")
        let single = try await predict(["photo.jpg", "--model", model, "--format", "npy", "--focal-px", "350", "-o", "a.npy"])
        let double = try await predict(["photo.jpg", "--model", model, "--format", "npy", "--focal-px", "700", "-o", "b.npy"])
        #expect(single.status == 0 && double.status == 0, "\(single.stderr)")
        #expect(single.stdout == "a.npy\tfocal_px=350.00\tscale_source=request\n")
        let a = try #require(DepthFiles.npy(try read("a.npy"))), b = try #require(DepthFiles.npy(try read("b.npy")))
        #expect(a.shape == [300, 400])
        let largest = zip(a.values, b.values).map { abs($1 - 2 * $0) }.max() ?? .infinity
        #expect(largest < 0.001, "largest difference from twice the depth: \(largest) m")
    }

    @Test func cliAndServiceGiveTheSameMetricAnswer() async throws {
        // EXIF focal length, a point cloud and known distances through the CLI equal the pipeline's answer.
        let photo = try ServiceFixtures.imageFixture("exif_focalplane.jpg")
        try write(photo, "lens.jpg")
        let result = try await predict(["lens.jpg", "--model", model, "--format", "ply", "--known", "10,10,2.5", "-o", "cloud.ply"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "cloud.ply\tfocal_px=48.00\tscale_source=known\n")
        let pipeline = DepthPipeline(model: try ServiceFixtures.tinyModel())
        let options = DepthRequestOptions(format: .ply, known: [.init(point: .init(x: 10, y: 10), metres: 2.5)])
        let map = try PipelineFixtures.depthMap(try pipeline.prepare(photo, options: options), pipeline: pipeline)
        #expect(try read("cloud.ply") == (try pipeline.render(map, options: options)).bytes)
        #expect(DepthFiles.ply(try read("cloud.ply"))?.comments["focal_px"] == "48.00")
    }

    @Test func focalLengthImplausibleForOnePhotoFailsThatPhotoOnly() async throws {
        try write(PipelineFixtures.jpeg(width: 400, height: 300), "wide.jpg")
        try write(PipelineFixtures.jpeg(width: 40, height: 30), "small.jpg")
        // 3 px is a 163.5 degree view of the 40-pixel-wide photo, a 178.3 degree one of the 400-pixel-wide one.
        let result = try await predict(["wide.jpg", "small.jpg", "--model", model, "--focal-px", "3"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("depthd: wide.jpg: focal_px 3 is a 178.28 degree field of view"), "\(result.stderr)")
        #expect(try DepthdProcess.contents(folder) == ["small-depth.png", "small.jpg", "wide.jpg"])
    }

    // MARK: helpers

    static func replace(_ bytes: [UInt8], _ old: String, with new: String) -> [UInt8] {
        let pattern = Array(old.utf8), replacement = Array(new.utf8)
        guard pattern.count == replacement.count, bytes.count >= pattern.count else { return bytes }
        var out = bytes
        for start in 0...(bytes.count - pattern.count) where Array(bytes[start..<start + pattern.count]) == pattern {
            out.replaceSubrange(start..<start + pattern.count, with: replacement)
            return out
        }
        return bytes
    }

    /// A PNG declaring `width` x `height` (8-bit RGB) in a valid IHDR, with an empty IDAT: no pixels.
    static func hugePNGHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let body = Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
        let idat = Array("IDAT".utf8) + [0x78, 0x9C, 0x03, 0x00]
        let iend = Array("IEND".utf8)
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + body + be(crc32(body))
            + be(4) + idat + be(crc32(idat)) + be(0) + iend + be(crc32(iend))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
