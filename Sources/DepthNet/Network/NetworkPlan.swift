/// One convolution of the network: its layer name in the weights file and its geometry.
struct ConvolutionLayer {
    let name: String
    let shape: ConvolutionShape
}

/// One fully connected layer: its layer name in the weights file; weight (outputs, inputs).
struct FullyConnectedLayer {
    let name: String
    let inputs: Int, outputs: Int

    /// Multiply-adds x 2 of one image.
    var flopsPerImage: Double { 2.0 * Double(inputs * outputs) }
}

/// The network's layers for one architecture, in the order the forward pass runs them: the one
/// table of kernel sizes, strides, paddings, pooling and channel counts (Eigen et al. 2014, Fig. 1).
/// The weights' expected shapes (`tensorShapes`), the FLOP count and the workspace's buffers
/// (`Workspace.Buffer`) are derived from it, and `Predictor` runs it.
struct NetworkPlan {
    /// Every pooling step: 3x3 max pooling, stride 2, ceil mode, no padding (`MaxPool`).
    static let poolWindow = 3, poolStride = 2

    let coarse1, coarse2, coarse3, coarse4, coarse5: ConvolutionLayer
    let fc6, fc7: FullyConnectedLayer
    let fine1, fine2, fine3: ConvolutionLayer
    /// (height, width) of the input and of each pooling step's output.
    let input, pool1, pool2, pool5, finePool: (Int, Int)

    init(_ a: Architecture) {
        let c = a.coarse, f = a.fine
        func conv(_ name: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int,
                  over size: (Int, Int)) -> ConvolutionLayer {
            ConvolutionLayer(name: name, shape: ConvolutionShape(inChannels: inChannels, outChannels: outChannels, kernel: kernel,
                                                                 stride: stride, padding: padding, height: size.0, width: size.1))
        }
        input = (a.inputHeight, a.inputWidth)
        // Coarse (global) path: five convolutions, three poolings, two fully connected layers.
        coarse1 = conv("coarse.conv1", 3, c.conv1, kernel: 11, stride: 4, padding: 0, over: input)
        pool1 = Self.pooled(coarse1.shape.outSize)
        coarse2 = conv("coarse.conv2", c.conv1, c.conv2, kernel: 5, stride: 1, padding: 2, over: pool1)
        pool2 = Self.pooled(coarse2.shape.outSize)
        coarse3 = conv("coarse.conv3", c.conv2, c.conv3, kernel: 3, stride: 1, padding: 1, over: pool2)
        coarse4 = conv("coarse.conv4", c.conv3, c.conv4, kernel: 3, stride: 1, padding: 1, over: coarse3.shape.outSize)
        coarse5 = conv("coarse.conv5", c.conv4, c.conv5, kernel: 3, stride: 1, padding: 1, over: coarse4.shape.outSize)
        pool5 = Self.pooled(coarse5.shape.outSize)
        // fc6 reads pool5 flattened (C, H, W); fc7 writes the coarse map, (oh * ow).
        fc6 = FullyConnectedLayer(name: "coarse.fc6", inputs: c.conv5 * pool5.0 * pool5.1, outputs: c.fc6)
        fc7 = FullyConnectedLayer(name: "coarse.fc7", inputs: c.fc6, outputs: a.outputHeight * a.outputWidth)
        // Fine (local) path: conv2 reads the pooled features and the coarse map as one more channel,
        // which needs the pooled size to be the declared output size (`Architecture.validate`).
        fine1 = conv("fine.conv1", 3, f.conv1, kernel: 9, stride: 2, padding: 0, over: input)
        finePool = Self.pooled(fine1.shape.outSize)
        fine2 = conv("fine.conv2", f.conv1 + 1, f.conv2, kernel: 5, stride: 1, padding: 2, over: finePool)
        fine3 = conv("fine.conv3", f.conv2, 1, kernel: 5, stride: 1, padding: 2, over: fine2.shape.outSize)
    }

    /// (height, width) after one pooling step.
    static func pooled(_ size: (Int, Int)) -> (Int, Int) {
        (MaxPool.outputLength(size.0, window: poolWindow, stride: poolStride),
         MaxPool.outputLength(size.1, window: poolWindow, stride: poolStride))
    }

    /// Every convolution, in the order they run.
    var convolutions: [ConvolutionLayer] { [coarse1, coarse2, coarse3, coarse4, coarse5, fine1, fine2, fine3] }

    /// Every fully connected layer, in the order they run.
    var fullyConnected: [FullyConnectedLayer] { [fc6, fc7] }

    /// (height, width) of the output map.
    var output: (Int, Int) { fine3.shape.outSize }

    /// The shape every tensor must have, by name: convolution weights (out, in, k, k), fully
    /// connected weights (out, in), biases (out).
    var tensorShapes: [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for layer in convolutions {
            let s = layer.shape
            shapes[layer.name + ".weight"] = [s.outChannels, s.inChannels, s.kernel, s.kernel]
            shapes[layer.name + ".bias"] = [s.outChannels]
        }
        for layer in fullyConnected {
            shapes[layer.name + ".weight"] = [layer.outputs, layer.inputs]
            shapes[layer.name + ".bias"] = [layer.outputs]
        }
        return shapes
    }

    /// Multiply-adds x 2 of one image's forward pass (convolutions and fully connected layers).
    var flopsPerImage: Double {
        let conv = convolutions.reduce(0.0) { $0 + $1.shape.flopsPerImage }
        return conv + fullyConnected.reduce(0.0) { $0 + $1.flopsPerImage }
    }
}
