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

    /// The shape every tensor must have, by name (weights (out, in, kh, kw) or (out, in); biases (out)),
    /// from the layer table (`NetworkPlan`).
    public var expectedTensorShapes: [String: [Int]] { NetworkPlan(self).tensorShapes }

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
        // Within the bounds above no size below overflows.
        let plan = NetworkPlan(self)
        for (index, layer) in plan.convolutions.enumerated() {
            let s = layer.shape
            guard s.height + 2 * s.padding < s.kernel || s.width + 2 * s.padding < s.kernel else { continue }
            throw .invalidArchitecture(index == 0
                ? "input \(inputWidth)x\(inputHeight) is smaller than the \(s.kernel)x\(s.kernel) first convolution"
                : "\(layer.name)'s \(s.kernel)x\(s.kernel) kernel does not fit its \(s.width)x\(s.height) input")
        }
        let pooled = plan.finePool
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
