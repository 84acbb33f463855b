/// Every layer's geometry for one architecture, worked out once.
struct NetworkPlan {
    let coarse1, coarse2, coarse3, coarse4, coarse5: ConvolutionShape
    let fine1, fine2, fine3: ConvolutionShape
    let inputArea: Int
    let coarse1Size, pool1Size, pool2Size, pool5Size, fine1Size, outputSize: (Int, Int) // (height, width)
    let fc6Inputs, fc6Outputs, outputArea, pool5Area: Int

    init(_ a: Architecture) {
        let c = a.coarse, f = a.fine
        inputArea = a.inputHeight * a.inputWidth
        coarse1Size = a.coarseConv1Size
        pool1Size = a.pool1Size
        pool2Size = a.pool2Size
        pool5Size = a.pool5Size
        fine1Size = a.fineConv1Size
        outputSize = (a.outputHeight, a.outputWidth)
        coarse1 = ConvolutionShape(inChannels: 3, outChannels: c.conv1, kernel: 11, stride: 4, padding: 0, height: a.inputHeight, width: a.inputWidth)
        coarse2 = ConvolutionShape(inChannels: c.conv1, outChannels: c.conv2, kernel: 5, stride: 1, padding: 2, height: pool1Size.0, width: pool1Size.1)
        coarse3 = ConvolutionShape(inChannels: c.conv2, outChannels: c.conv3, kernel: 3, stride: 1, padding: 1, height: pool2Size.0, width: pool2Size.1)
        coarse4 = ConvolutionShape(inChannels: c.conv3, outChannels: c.conv4, kernel: 3, stride: 1, padding: 1, height: pool2Size.0, width: pool2Size.1)
        coarse5 = ConvolutionShape(inChannels: c.conv4, outChannels: c.conv5, kernel: 3, stride: 1, padding: 1, height: pool2Size.0, width: pool2Size.1)
        fine1 = ConvolutionShape(inChannels: 3, outChannels: f.conv1, kernel: 9, stride: 2, padding: 0, height: a.inputHeight, width: a.inputWidth)
        fine2 = ConvolutionShape(inChannels: f.conv1 + 1, outChannels: f.conv2, kernel: 5, stride: 1, padding: 2, height: a.outputHeight, width: a.outputWidth)
        fine3 = ConvolutionShape(inChannels: f.conv2, outChannels: 1, kernel: 5, stride: 1, padding: 2, height: a.outputHeight, width: a.outputWidth)
        pool5Area = pool5Size.0 * pool5Size.1
        fc6Inputs = a.fc6InputLength
        fc6Outputs = c.fc6
        outputArea = a.outputArea
    }

    var convolutions: [ConvolutionShape] { namedConvolutions.map(\.shape) }

    /// Every convolution with its layer name in the weights file.
    var namedConvolutions: [(name: String, shape: ConvolutionShape)] {
        [("coarse.conv1", coarse1), ("coarse.conv2", coarse2), ("coarse.conv3", coarse3), ("coarse.conv4", coarse4),
         ("coarse.conv5", coarse5), ("fine.conv1", fine1), ("fine.conv2", fine2), ("fine.conv3", fine3)]
    }

    /// Every fully connected layer with its layer name in the weights file: (name, inputs, outputs).
    var namedFullyConnected: [(name: String, inputs: Int, outputs: Int)] {
        [("coarse.fc6", fc6Inputs, fc6Outputs), ("coarse.fc7", fc6Outputs, outputArea)]
    }

    /// Multiply-adds x 2 of one image's forward pass (convolutions and fully connected layers).
    var flopsPerImage: Double {
        let conv = convolutions.reduce(0.0) { $0 + 2.0 * Double($1.outChannels * $1.columnRows * $1.outArea) }
        return conv + 2.0 * Double(fc6Inputs * fc6Outputs + fc6Outputs * outputArea)
    }
}
