// depthd-bench codecs --photo PHOTO.jpg --model FILE [--rounds N] [--out DIR]
// The image work of one POST /v1/depth for PHOTO (scripts/bench-codecs.sh makes a 640x480 JPEG
// from matplotlib's grace_hopper.jpg), stage by stage: decode, network input, then the answer
// from the model's real depth map: upsampling to the photo's size, millimetres, png16, and the
// colour preview. Each changed stage runs beside its slow reference in the same rounds
// (alternating, best of N rounds of this thread's CPU time, which survives a shared machine) and
// its output is checked equal to the reference's. With --out, both PNGs are written there.
import DepthNet
import DepthService
import Foundation
import ImageIO

func runCodecBenchmark(_ arguments: [String]) -> Int32 {
    func value(_ name: String) -> String? { option(name, in: arguments) }
    guard let photoPath = value("--photo"), let modelPath = value("--model") else {
        FileHandle.standardError.write(Data("usage: depthd-bench codecs --photo PHOTO --model FILE [--rounds N] [--out DIR]\n".utf8))
        return 2
    }
    let rounds = max(1, value("--rounds").flatMap(Int.init) ?? 20)
    do {
        return try CodecBenchmark(photo: [UInt8](try Data(contentsOf: URL(fileURLWithPath: photoPath))),
                                  model: try DepthModel(contentsOfFile: modelPath), rounds: rounds,
                                  outputDirectory: value("--out")).run()
    } catch {
        print("codec benchmark: \(error)")
        return 1
    }
}

private struct CodecBenchmark {
    let photo: [UInt8]
    let model: DepthModel
    let rounds: Int
    let outputDirectory: String?

    /// This thread's CPU time in milliseconds.
    static func cpuMilliseconds() -> Double { milliseconds(on: CLOCK_THREAD_CPUTIME_ID) }

    /// Best (lowest) time of `fast` and of `reference` over `rounds` alternating rounds.
    func compare(_ fast: () throws -> Void, _ reference: () throws -> Void) rethrows -> (fast: Double, reference: Double) {
        var best = (fast: Double.infinity, reference: Double.infinity)
        for _ in 0..<rounds {
            var start = Self.cpuMilliseconds()
            try fast()
            best.fast = min(best.fast, Self.cpuMilliseconds() - start)
            start = Self.cpuMilliseconds()
            try reference()
            best.reference = min(best.reference, Self.cpuMilliseconds() - start)
        }
        return best
    }

    /// Best (lowest) CPU time of `body` over `rounds` rounds: this thread's, or the process's.
    func time(on clock: clockid_t = CLOCK_THREAD_CPUTIME_ID, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = milliseconds(on: clock)
            try body()
            best = min(best, milliseconds(on: clock) - start)
        }
        return best
    }

    func row(_ stage: String, _ times: (fast: Double, reference: Double), _ note: String) {
        print(Self.padded(stage) + String(format: " %8.3f %10.3f %7.2fx  ", times.fast, times.reference,
                                          times.reference / times.fast) + note)
    }

    func row(_ stage: String, _ milliseconds: Double, _ note: String) {
        print(Self.padded(stage) + String(format: " %8.3f", milliseconds) + String(repeating: " ", count: 21) + note)
    }

    static func padded(_ stage: String) -> String {
        "  " + stage + String(repeating: " ", count: max(0, 28 - stage.count))
    }

    func run() throws -> Int32 {
        var failures: [String] = []
        let header = try ImageDecoder.probe(photo)
        let preparation = ImagePreparation(model: model)
        let layout = preparation.layout(photo: header.size)
        print("codec benchmark: \(header.format.name) \(header.size) (\(photo.count) bytes), best of \(rounds) rounds, "
              + "this thread's CPU ms")
        print("  stage                            fast  reference   ratio  check")

        // Decode and network input: unchanged stages, timed for the breakdown.
        var image = try ImageDecoder.decode(photo, minimumSize: layout.resized)
        let decodeMs = try time { image = try ImageDecoder.decode(photo, minimumSize: layout.resized) }
        let fullDecodeMs = try time { _ = try ImageDecoder.decode(photo) }
        row("decode", (decodeMs, fullDecodeMs), "DCT-scaled to \(image.size) vs full size (unchanged)")
        let predictor = try Predictor(model: model, maximumBatchSize: 1)
        var planes = PooledFloats([])  // (n, 3, H, W)
        let inputMs = try time { planes = try preparation.prepare(image, header: header, layout: layout).planes }
        row("network input", inputMs, "resize \(image.size) -> \(layout.resized), crop, normalise (unchanged)")

        // What a 16:9 photo's input costs more: DCT-scaled to 6/8 of 640x360 (480x270), resized to
        // the 427x240 that its two windows are cut from.
        let wide = ImageResizer.resize(try ImageDecoder.decode(photo), width: 480, height: 270)
        var resized = wide
        let wideResizeMs = time { resized = ImageResizer.resize(wide, width: 427, height: 240) }
        // FNV-1a of the bytes, to compare builds (the loops changed, the arithmetic did not).
        let digest = resized.pixels.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        row("(resize, 16:9 photos)", wideResizeMs, "\(wide.size) -> 427x240 (none at 4:3), bytes FNV-1a "
            + String(digest, radix: 16))

        // The model's real depth map for this photo (one 4:3 window), for what follows.
        guard layout.windows.count == 1 else { throw ImageError.invalidArgument("the benchmark photo must be 4:3") }
        var logDepth: [Float] = []
        // The model runs on BLAS and convolution threads besides this one: count them all.
        let modelMs = try time(on: CLOCK_PROCESS_CPUTIME_ID) {
            logDepth = try planes.withUnsafeBufferPointer { try predictor.predictLogDepth(input: $0, count: 1) }
        }
        let gridSize = PixelSize(width: model.architecture.outputWidth, height: model.architecture.outputHeight)
        let native = try FloatGrid(width: gridSize.width, height: gridSize.height, values: logDepth.map { Foundation.exp($0) })
        let region = layout.frameRegion(gridSize: gridSize)
        row("(model)", modelMs, "for scale: one batch-1 forward pass, \(gridSize) grid, CPU ms of every thread")

        let size = header.size
        var grid = native.resampledBilinear(width: size.width, height: size.height, region: region)
        var gridReference = grid
        let upsample = compare({ grid = native.resampledBilinear(width: size.width, height: size.height, region: region) },
                               { gridReference = native.resampledBilinearReference(width: size.width, height: size.height, region: region) })
        let gridsEqual = grid.values.withUnsafeBytes { a in gridReference.values.withUnsafeBytes { b in a.elementsEqual(b) } }
        if !gridsEqual { failures.append("upsample") }
        row("upsample to \(size)", upsample, gridsEqual ? "bit-identical" : "DIFFERENT")

        let scale: Float = 1000
        var samples: [UInt16] = [], samplesReference: [UInt16] = []
        let quantize = compare({ samples = Sample16.quantize(grid.values, scale: scale) },
                               { samplesReference = grid.values.map { Sample16.sample($0, scale: scale) } })
        if samples != samplesReference { failures.append("millimetres") }
        row("millimetres", quantize, samples == samplesReference ? "equal" : "DIFFERENT")

        var range = grid.estimateRange, rangeReference = range
        let ranges = compare({ range = grid.estimateRange }, { rangeReference = grid.estimateRangeReference })
        let rangesEqual = range?.min == rangeReference?.min && range?.max == rangeReference?.max
        if !rangesEqual { failures.append("range") }
        row("estimate range", ranges, rangesEqual ? "equal" : "DIFFERENT")

        let text: [(key: String, value: String)] = [("depth-unit", "mm"), ("depth-scale", "0.001"), ("model", model.name),
                                                    ("Software", "depthd")]
        var png16: [UInt8] = [], png16Reference: [UInt8] = []
        let encode16 = try compare({ png16 = try ImageEncoder.png16(samples, width: size.width, height: size.height, text: text) },
                                   { png16Reference = try ImageEncoder.png16Reference(samples, width: size.width, height: size.height, text: text) })
        let decoded16 = try Gray16Image.decodePNG(png16), decoded16Reference = try Gray16Image.decodePNG(png16Reference)
        let png16Equal = decoded16.values == samples && decoded16Reference.values == samples
        if !png16Equal { failures.append("png16") }
        row("png16", encode16, (png16Equal ? "decodes equal" : "DIFFERENT")
            + ", \(png16.count) vs \(png16Reference.count) bytes")

        // What the service does for a png16 answer (DepthEncoder: the range for its headers, then
        // millimetres and png16), beside the same steps by their references.
        let whole16 = try compare({
            // As DepthMap.withPhotoSizeGrid, then DepthPipeline.render.
            _ = try native.withResampledBilinear(width: size.width, height: size.height, region: region) { values, size in
                try DepthEncoder.encodePNG16(values, width: size.width, height: size.height, context: DepthContext(modelName: model.name))
            }
        }, {
            let g = native.resampledBilinearReference(width: size.width, height: size.height, region: region)
            _ = g.estimateRangeReference
            _ = try ImageEncoder.png16Reference(g.values.map { Sample16.sample($0, scale: scale) }, width: size.width,
                                                height: size.height, text: text)
        })
        row("= png16 answer", whole16, "upsample + range + millimetres + png16")

        let colorMap = DepthEncoder.colorMap
        var colors = colorMap.colorize(grid), colorsReference = colors
        let colorize = compare({ colors = colorMap.colorize(grid) },
                               { colorsReference = colorMap.colorizeReference(grid) })
        if colors != colorsReference { failures.append("colorize") }
        row("colour map", colorize, colors == colorsReference ? "equal" : "DIFFERENT")

        var colorPNG: [UInt8] = [], colorPNGReference: [UInt8] = []
        let encodeColor = try compare({ colorPNG = try ImageEncoder.png(colors) },
                                      { colorPNGReference = try ImageEncoder.pngReference(colors) })
        let colorEqual = try ImageDecoder.decode(colorPNG) == colors && ImageDecoder.decode(colorPNGReference) == colors
        if !colorEqual { failures.append("colour png") }
        row("colour png", encodeColor, (colorEqual ? "decodes equal" : "DIFFERENT")
            + ", \(colorPNG.count) vs \(colorPNGReference.count) bytes")
        let wholeColor = try compare({
            _ = try ImageEncoder.png(colorMap.colorize(native.resampledBilinear(width: size.width, height: size.height, region: region)))
        }, {
            _ = try ImageEncoder.pngReference(colorMap.colorizeReference(
                native.resampledBilinearReference(width: size.width, height: size.height, region: region)))
        })
        row("= colour answer", wholeColor, "upsample + colour map + png")

        if let outputDirectory = outputDirectory {
            for (name, bytes) in [("depth.png", png16), ("depth-reference.png", png16Reference),
                                  ("color.png", colorPNG), ("color-reference.png", colorPNGReference)] {
                try Data(bytes).write(to: URL(fileURLWithPath: outputDirectory).appendingPathComponent(name))
            }
        }
        if !failures.isEmpty { print("codec benchmark: outputs differ from the reference: \(failures.joined(separator: ", "))") }
        return failures.isEmpty ? 0 : 1
    }
}
