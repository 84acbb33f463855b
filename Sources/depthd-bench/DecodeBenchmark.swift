// depthd-bench decode [--iterations N] [--file PHOTO.jpg]
// Decodes a 12-megapixel JPEG (4000x3000, made here from a synthetic pattern with our encoder,
// or the given file) to the 304x228 network input two ways and prints the time of each and the
// ratio: DCT-scaled decode (libjpeg scale n/8) + resize, vs full decode + resize.
import DepthNet
import DepthService
import Foundation
import ImageIO

func runDecodeBenchmark(_ arguments: [String]) -> Int32 {
    var iterations = 5
    var file: String?
    var index = 0
    while index < arguments.count {
        switch arguments[index] {
        case "--iterations" where index + 1 < arguments.count:
            guard let n = Int(arguments[index + 1]), n > 0 else { return decodeUsage() }
            iterations = n
            index += 2
        case "--file" where index + 1 < arguments.count:
            file = arguments[index + 1]
            index += 2
        default:
            return decodeUsage()
        }
    }
    do {
        let bytes: [UInt8]
        if let file {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } else {
            bytes = try ImageEncoder.jpeg(benchmarkPhoto(width: 4000, height: 3000), quality: 90)
        }
        let header = try ImageDecoder.probe(bytes)
        let crop = ImagePreparation.inputSize(of: .paper), target = ImagePreparation.frameSize(forInput: crop)
        // The paper's preparation (`fit=squash`): resize to the frame, centre-crop the input.
        func networkInput(_ image: RGBImage) -> RGBImage {
            image.resized(width: target.width, height: target.height).centreCropped(width: crop.width, height: crop.height)
        }
        let scale = ImageDecoder.jpegScale(header: header, minimumSize: target)
        print("decode benchmark: \(header.format.name) \(header.size) (\(bytes.count) bytes), "
              + "to \(crop) network input, \(iterations) iterations, median thread CPU ms")

        var scaledInput: RGBImage?
        var fullInput: RGBImage?
        let scaledMs = medianMilliseconds(iterations) {
            scaledInput = networkInput(try ImageDecoder.decode(bytes, minimumSize: target))
        }
        let fullMs = medianMilliseconds(iterations) {
            fullInput = networkInput(try ImageDecoder.decode(bytes))
        }
        let scaledDecodeMs = medianMilliseconds(iterations) { _ = try ImageDecoder.decode(bytes, minimumSize: target) }
        let fullDecodeMs = medianMilliseconds(iterations) { _ = try ImageDecoder.decode(bytes) }
        guard let scaledMs, let fullMs, let scaledDecodeMs, let fullDecodeMs, let scaledInput, let fullInput else {
            print("decode benchmark: decoding failed")
            return 1
        }
        var total = 0, largest = 0
        for i in scaledInput.pixels.indices {
            let d = abs(Int(scaledInput.pixels[i]) - Int(fullInput.pixels[i]))
            total += d
            largest = max(largest, d)
        }
        print(String(format: "  DCT-scaled (%d/8) decode + resize + crop: %8.1f ms  (decode alone %.1f ms)",
                     scale, scaledMs, scaledDecodeMs))
        print(String(format: "  full decode + resize + crop:            %8.1f ms  (decode alone %.1f ms)",
                     fullMs, fullDecodeMs))
        print(String(format: "  ratio full / DCT-scaled: %.1fx (goal >= 4x)", fullMs / scaledMs))
        if wallTimes.count == 4 {
            print(String(format: "  wall clock (median ms): DCT-scaled %.1f, full %.1f, ratio %.1fx",
                         wallTimes[0], wallTimes[1], wallTimes[1] / wallTimes[0]))
        }
        print(String(format: "  network inputs differ by mean %.3f, max %d levels",
                     Double(total) / Double(scaledInput.pixels.count), largest))
        return 0
    } catch {
        print("decode benchmark: \(error)")
        return 1
    }
}

private func decodeUsage() -> Int32 {
    FileHandle.standardError.write(Data("usage: depthd-bench decode [--iterations N] [--file PHOTO.jpg]\n".utf8))
    return 2
}

/// Median time of `iterations` runs of `body` in milliseconds, or nil if it throws. The time is
/// this thread's CPU time (CLOCK_THREAD_CPUTIME_ID; the decode is single-threaded), which stays
/// meaningful on a machine shared with other work; `wallTimes` collects the wall-clock medians.
private func medianMilliseconds(_ iterations: Int, _ body: () throws -> Void) -> Double? {
    func now(_ clock: clockid_t) -> Double { milliseconds(on: clock) }
    var cpu: [Double] = [], wall: [Double] = []
    for _ in 0..<iterations {
        let cpu0 = now(CLOCK_THREAD_CPUTIME_ID), wall0 = now(CLOCK_MONOTONIC)
        do { try body() } catch { return nil }
        cpu.append(now(CLOCK_THREAD_CPUTIME_ID) - cpu0)
        wall.append(now(CLOCK_MONOTONIC) - wall0)
    }
    wallTimes.append(median(wall))
    return median(cpu)
}

nonisolated(unsafe) private var wallTimes: [Double] = []

/// A photo-like synthetic scene: smooth gradients, a disc, stripes and fine texture.
private func benchmarkPhoto(width: Int, height: Int) throws -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        let fy = Double(y) / Double(height)
        for x in 0..<width {
            let fx = Double(x) / Double(width)
            let i = (y * width + x) * 3
            let disc = (fx - 0.6) * (fx - 0.6) + (fy - 0.4) * (fy - 0.4) < 0.04
            let texture = Double((x &* 7919 ^ y &* 104_729) & 15)
            pixels[i] = UInt8(min(255, (disc ? 220 : 40 + 150 * fx) + texture))
            pixels[i + 1] = UInt8(min(255, 60 + 120 * fy + 40 * sin(fx * 40) + texture))
            pixels[i + 2] = UInt8((x / 200 + y / 150) % 2 == 0 ? 90 + texture : 180)
        }
    }
    return try RGBImage(width: width, height: height, pixels: pixels)
}
