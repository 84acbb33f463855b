import Foundation
@testable import DepthNet
import TestSupport

func randomTensor(_ shape: [Int], using rng: inout SplitMix64, scale: Float = 1) -> Tensor {
    Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -scale...scale, using: &rng) })
}

/// A safetensors file from a literal header text and data bytes: 8-byte LE length, header, data.
func safetensorsBytes(header: String, data: [UInt8]) -> [UInt8] {
    let text = Array(header.utf8)
    var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(text.count) >> (8 * UInt64($0))) }
    bytes += text
    return bytes + data
}

/// Little-endian F32 bytes of the values.
func f32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern.littleEndian >> (8 * UInt32($0))) } }
}

/// The binary16 bits of a value that is zero or a normal binary16 number (as `randomHalfTensor` makes).
func halfBits(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16(truncatingIfNeeded: bits >> 16) & 0x8000
    guard value != 0 else { return sign }
    let exponent = Int((bits >> 23) & 0xFF) - 112
    precondition(exponent >= 1 && exponent <= 30 && bits & 0x1FFF == 0, "\(value) is not a normal binary16 value")
    return sign | UInt16(exponent) << 10 | UInt16(truncatingIfNeeded: (bits >> 13) & 0x3FF)
}

/// Random values that binary16 represents exactly (normal halves, magnitudes 2^-10 up to below
/// 2 * scale), as F32.
func randomHalfTensor(_ shape: [Int], using rng: inout SplitMix64, scale: Float = 1) -> Tensor {
    let top = max(5, min(30, 15 + Int(log2(scale))))
    return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in
        let sign = UInt16(rng.next() & 1) << 15
        let exponent = UInt16(Int.random(in: 5...top, using: &rng)) << 10
        return HalfFloat.widen(sign | exponent | UInt16(rng.next() & 0x3FF))
    })
}

/// Writes named F32 tensors and metadata as safetensors bytes, in name order; the tensors named in
/// `half` are stored as F16 (their values must be exact binary16 values).
func safetensorsBytes(tensors: [String: Tensor], metadata: [String: String]?, half: Set<String> = []) -> [UInt8] {
    var entries: [String] = []
    var data: [UInt8] = []
    if let metadata {
        let json = (try? JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys])) ?? Data("{}".utf8)
        entries.append("\"__metadata__\":" + String(decoding: json, as: UTF8.self))
    }
    for name in tensors.keys.sorted() {
        guard let tensor = tensors[name] else { continue }
        let start = data.count
        let isHalf = half.contains(name)
        data += isHalf ? tensor.values.flatMap { value in [UInt8(halfBits(value) & 0xFF), UInt8(halfBits(value) >> 8)] } : f32Bytes(tensor.values)
        entries.append("\"\(name)\":{\"dtype\":\"\(isHalf ? "F16" : "F32")\",\"shape\":\(tensor.shape),\"data_offsets\":[\(start),\(data.count)]}")
    }
    return safetensorsBytes(header: "{" + entries.joined(separator: ",") + "}", data: data)
}

/// A small architecture (96x72 in, 22x16 out) and metadata that declares it.
let smallArchitectureJSON = #"{"input_width":96,"input_height":72,"output_width":22,"output_height":16,"coarse":{"conv1":8,"conv2":12,"conv3":16,"conv4":16,"conv5":12,"fc6":64},"fine":{"conv1":7,"conv2":8}}"#

func smallModelMetadata(architecture: String = smallArchitectureJSON) -> [String: String] {
    [
        "format": "depthd-eigen2014", "format_version": "1", "architecture": architecture,
        "input_normalization": #"{"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}"#,
        "output": "log_depth_m", "name": "test-small", "description": "random weights for tests",
        "trained_on": "random weights (test)", "metrics": "{}",
    ]
}

/// Random tensors with exactly the shapes an architecture declares.
func randomWeights(for architecture: Architecture, seed: UInt64 = 7) -> [String: Tensor] {
    var rng = SplitMix64(state: seed)
    var tensors: [String: Tensor] = [:]
    for (name, shape) in architecture.expectedTensorShapes.sorted(by: { $0.key < $1.key }) {
        tensors[name] = randomTensor(shape, using: &rng, scale: 0.1)
    }
    return tensors
}

func largestAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    // Infinity for a NaN on one side only (a value a kernel left unwritten in a NaN-filled
    // output) and for arrays of different lengths: `max` would pass over a NaN difference.
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { worst, pair in
        if pair.0 == pair.1 || (pair.0.isNaN && pair.1.isNaN) { return worst }
        let difference = abs(pair.0 - pair.1)
        return difference.isNaN ? .infinity : max(worst, difference)
    }
}

/// Runs a convolution kernel that works in the engine's (C, N, H, W) layout on an (N, C, H, W)
/// input with an (Cout, C, k, k) weight: `kernel(shape, input (C, N, H, W), output (Cout, N, oh, ow))`,
/// the output NaN-filled so that values the kernel leaves unwritten show. Returns (N, Cout, oh, ow).
func throughChannelMajor(_ input: Tensor, weight: Tensor, stride: Int, padding: Int,
                         _ kernel: (ConvolutionShape, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let shape = ConvolutionShape(inChannels: c, outChannels: weight.shape[0], kernel: weight.shape[2], stride: stride, padding: padding, height: h, width: w)
    var channelMajor = [Float](repeating: 0, count: input.count)                        // (C, N, H, W)
    var output = [Float](repeating: .nan, count: shape.outChannels * n * shape.outArea) // (Cout, N, oh, ow)
    var result = Tensor(zeros: [n, shape.outChannels, shape.outHeight, shape.outWidth]) // (N, Cout, oh, ow)
    input.values.withUnsafeBufferPointer { swapOuterAxes($0.baseAddress!, n, c, inner: h * w, into: &channelMajor) }
    channelMajor.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { kernel(shape, source.baseAddress!, $0.baseAddress!) }
    }
    result.values.withUnsafeMutableBufferPointer { swapOuterAxes(output, shape.outChannels, n, inner: shape.outArea, into: $0.baseAddress!) }
    return result
}
