/// Slow, obviously correct kernels on (N, C, H, W) tensors, written straight from the definitions.
/// The tests compare the fast kernels against these.
public enum ReferenceKernels {
    /// Direct convolution with zero padding: output (N, Cout, oh, ow) where
    /// oh = (H + 2 * padding - kh) / stride + 1. input: (N, C, H, W); weight: (Cout, C, kh, kw); bias: (Cout).
    public static func convolution(_ input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int, relu: Bool) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (outChannels, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let oh = (h + 2 * padding - kh) / stride + 1
        let ow = (w + 2 * padding - kw) / stride + 1
        var output = Tensor(zeros: [n, outChannels, oh, ow]) // (N, Cout, oh, ow)
        for image in 0..<n {
            for o in 0..<outChannels {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = bias.values[o]
                        for i in 0..<c {
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let y = oy * stride + ky - padding
                                    let x = ox * stride + kx - padding
                                    guard y >= 0, y < h, x >= 0, x < w else { continue }
                                    sum += input.values[((image * c + i) * h + y) * w + x]
                                        * weight.values[((o * c + i) * kh + ky) * kw + kx]
                                }
                            }
                        }
                        output.values[((image * outChannels + o) * oh + oy) * ow + ox] = relu ? max(sum, 0) : sum
                    }
                }
            }
        }
        return output
    }

    /// Max pooling in ceil mode without padding: output (N, C, oh, ow); border windows are partial.
    public static func maxPool(_ input: Tensor, window: Int, stride: Int) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let oh = MaxPool.outputLength(h, window: window, stride: stride)
        let ow = MaxPool.outputLength(w, window: window, stride: stride)
        var output = Tensor(zeros: [n, c, oh, ow]) // (N, C, oh, ow)
        for plane in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity
                    for y in (oy * stride)..<min(oy * stride + window, h) {
                        for x in (ox * stride)..<min(ox * stride + window, w) {
                            best = max(best, input.values[(plane * h + y) * w + x])
                        }
                    }
                    output.values[(plane * oh + oy) * ow + ox] = best
                }
            }
        }
        return output
    }

    /// Fully connected layer: output (N, out) = input (N, in) * weight (out, in)^T + bias (out).
    public static func fullyConnected(_ input: Tensor, weight: Tensor, bias: Tensor, relu: Bool) -> Tensor {
        let (n, inputs, outputs) = (input.shape[0], input.shape[1], weight.shape[0])
        var output = Tensor(zeros: [n, outputs]) // (N, out)
        for image in 0..<n {
            for o in 0..<outputs {
                var sum = bias.values[o]
                for i in 0..<inputs { sum += input.values[image * inputs + i] * weight.values[o * inputs + i] }
                output.values[image * outputs + o] = relu ? max(sum, 0) : sum
            }
        }
        return output
    }
}
