/// Layer widths and image sizes of one Eigen et al. (2014) coarse+fine network, as declared in a
/// weights file's `__metadata__["architecture"]`. The paper's size is `Architecture.paper`.
public struct Architecture: Sendable, Equatable, Codable {
    /// Channel widths of the coarse (global) network.
    public struct Coarse: Sendable, Equatable, Codable {
        public var conv1: Int, conv2: Int, conv3: Int, conv4: Int, conv5: Int, fc6: Int
        public init(conv1: Int, conv2: Int, conv3: Int, conv4: Int, conv5: Int, fc6: Int) {
            (self.conv1, self.conv2, self.conv3, self.conv4, self.conv5, self.fc6) = (conv1, conv2, conv3, conv4, conv5, fc6)
        }
    }
    /// Channel widths of the fine (local) network; its conv2 sees `conv1 + 1` channels.
    public struct Fine: Sendable, Equatable, Codable {
        public var conv1: Int, conv2: Int
        public init(conv1: Int, conv2: Int) { (self.conv1, self.conv2) = (conv1, conv2) }
    }

    public var inputWidth: Int, inputHeight: Int, outputWidth: Int, outputHeight: Int
    public var coarse: Coarse
    public var fine: Fine

    enum CodingKeys: String, CodingKey {
        case inputWidth = "input_width", inputHeight = "input_height"
        case outputWidth = "output_width", outputHeight = "output_height"
        case coarse, fine
    }

    public init(inputWidth: Int, inputHeight: Int, outputWidth: Int, outputHeight: Int, coarse: Coarse, fine: Fine) {
        (self.inputWidth, self.inputHeight, self.outputWidth, self.outputHeight) = (inputWidth, inputHeight, outputWidth, outputHeight)
        (self.coarse, self.fine) = (coarse, fine)
    }

    /// The NYU Depth v2 configuration of the paper: 304x228 in, 74x55 out.
    public static let paper = Architecture(
        inputWidth: 304, inputHeight: 228, outputWidth: 74, outputHeight: 55,
        coarse: Coarse(conv1: 96, conv2: 256, conv3: 384, conv4: 384, conv5: 256, fc6: 4096),
        fine: Fine(conv1: 63, conv2: 64))

    // Spatial sizes (height, width) after each step, in the order the network computes them.
    var coarseConv1Size: (Int, Int) { Self.convSize(inputHeight, inputWidth, kernel: 11, stride: 4, padding: 0) }
    var pool1Size: (Int, Int) { Self.poolSize(coarseConv1Size) }
    var pool2Size: (Int, Int) { Self.poolSize(pool1Size) } // conv2 keeps pool1's size
    var pool5Size: (Int, Int) { Self.poolSize(pool2Size) } // conv3-5 keep pool2's size
    var fineConv1Size: (Int, Int) { Self.convSize(inputHeight, inputWidth, kernel: 9, stride: 2, padding: 0) }
    var finePoolSize: (Int, Int) { Self.poolSize(fineConv1Size) }
    /// fc6's input length: conv5 channels times pool5's area, flattened (C, H, W).
    var fc6InputLength: Int { coarse.conv5 * pool5Size.0 * pool5Size.1 }
    var outputArea: Int { outputWidth * outputHeight }

    static func convSize(_ height: Int, _ width: Int, kernel: Int, stride: Int, padding: Int) -> (Int, Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// 3x3 stride 2 max pooling in ceil mode (no padding, so the last window always starts inside).
    static func poolSize(_ size: (Int, Int)) -> (Int, Int) {
        (MaxPool.outputLength(size.0, window: 3, stride: 2), MaxPool.outputLength(size.1, window: 3, stride: 2))
    }

    /// The shape every tensor must have, by name (weights (out, in, kh, kw) or (out, in); biases (out)).
    public var expectedTensorShapes: [String: [Int]] {
        let c = coarse, f = fine
        var shapes: [String: [Int]] = [:]
        func layer(_ name: String, _ weight: [Int]) {
            shapes[name + ".weight"] = weight
            shapes[name + ".bias"] = [weight[0]]
        }
        layer("coarse.conv1", [c.conv1, 3, 11, 11])
        layer("coarse.conv2", [c.conv2, c.conv1, 5, 5])
        layer("coarse.conv3", [c.conv3, c.conv2, 3, 3])
        layer("coarse.conv4", [c.conv4, c.conv3, 3, 3])
        layer("coarse.conv5", [c.conv5, c.conv4, 3, 3])
        layer("coarse.fc6", [c.fc6, fc6InputLength])
        layer("coarse.fc7", [outputArea, c.fc6])
        layer("fine.conv1", [f.conv1, 3, 9, 9])
        layer("fine.conv2", [f.conv2, f.conv1 + 1, 5, 5])
        layer("fine.conv3", [1, f.conv2, 5, 5])
        return shapes
    }

    /// Checks that every width and size is usable and the fine path pools to the output size.
    public func validate() throws(ModelError) {
        let widths: [(String, Int)] = [
            ("coarse.conv1", coarse.conv1), ("coarse.conv2", coarse.conv2), ("coarse.conv3", coarse.conv3),
            ("coarse.conv4", coarse.conv4), ("coarse.conv5", coarse.conv5), ("coarse.fc6", coarse.fc6),
            ("fine.conv1", fine.conv1), ("fine.conv2", fine.conv2),
            ("input_width", inputWidth), ("input_height", inputHeight),
            ("output_width", outputWidth), ("output_height", outputHeight),
        ]
        // The bound keeps every product below Int overflow and every buffer allocatable.
        for (name, value) in widths where value < 1 || value > 65_536 {
            throw .invalidArchitecture("\(name) is \(value); it must be between 1 and 65536")
        }
        guard inputWidth >= 11, inputHeight >= 11 else {
            throw .invalidArchitecture("input \(inputWidth)x\(inputHeight) is smaller than the 11x11 first convolution")
        }
        let pooled = finePoolSize
        guard pooled == (outputHeight, outputWidth) else {
            throw .invalidArchitecture("the fine path pools a \(inputWidth)x\(inputHeight) input to \(pooled.1)x\(pooled.0) but the declared output is \(outputWidth)x\(outputHeight)")
        }
    }
}

extension Architecture {
    /// Floating-point operations (2 per multiply-add) of one image's forward pass through the
    /// convolutions and fully connected layers.
    public var flopsPerImage: Double { NetworkPlan(self).flopsPerImage }
}
