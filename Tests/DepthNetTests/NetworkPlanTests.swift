import Foundation
import Testing
@testable import DepthNet

/// The layer table (`NetworkPlan`) and what is derived from it: the paper's sizes (Eigen et al.
/// 2014, 304x228 in, 74x55 out) and the workspace's buffers.
@Suite struct NetworkPlanTests {
    let plan = NetworkPlan(.paper)

    @Test func paperPlanHasThePapersActivationSizes() {
        #expect(plan.coarse1.shape.outSize == (55, 74))
        #expect(plan.pool1 == (27, 37) && plan.coarse2.shape.outSize == (27, 37))
        #expect(plan.pool2 == (13, 18) && plan.coarse5.shape.outSize == (13, 18))
        #expect(plan.pool5 == (6, 9))
        #expect(plan.fc6.inputs == 256 * 6 * 9 && plan.fc6.outputs == 4096 && plan.fc7.outputs == 74 * 55)
        #expect(plan.fine1.shape.outSize == (110, 148) && plan.finePool == (55, 74) && plan.output == (55, 74))
        #expect(plan.fine2.shape.inChannels == 64)
        #expect(plan.convolutions.map(\.name) == ["coarse.conv1", "coarse.conv2", "coarse.conv3", "coarse.conv4", "coarse.conv5",
                                                  "fine.conv1", "fine.conv2", "fine.conv3"])
        #expect(plan.fullyConnected.map(\.name) == ["coarse.fc6", "coarse.fc7"])
    }

    @Test func tensorShapesComeFromTheTable() {
        let shapes = plan.tensorShapes
        #expect(shapes == Architecture.paper.expectedTensorShapes)
        #expect(shapes["coarse.conv1.weight"] == [96, 3, 11, 11] && shapes["fine.conv1.weight"] == [63, 3, 9, 9])
        #expect(shapes["coarse.conv3.weight"] == [384, 256, 3, 3] && shapes["fine.conv3.weight"] == [1, 64, 5, 5])
        #expect(shapes["fine.conv3.bias"] == [1])
    }

    /// Every activation buffer holds its layer's (C, N, H, W) output, N images of it.
    @Test func workspaceActivationsHaveThePapersShapes() {
        let expected: [(Workspace.Buffer, Int)] = [
            (.input, 3 * 228 * 304), (.coarseConv1, 96 * 55 * 74), (.pool1, 96 * 27 * 37), (.coarseConv2, 256 * 27 * 37),
            (.pool2, 256 * 13 * 18), (.coarseConv3, 384 * 13 * 18), (.coarseConv4, 384 * 13 * 18), (.coarseConv5, 256 * 13 * 18),
            (.pool5, 256 * 6 * 9), (.flat, 256 * 6 * 9), (.fc6, 4096), (.fineConv1, 63 * 110 * 148),
            (.concat, 64 * 55 * 74), (.fineConv2, 64 * 55 * 74), (.fineConv3, 55 * 74),
        ]
        #expect(expected.count == Workspace.Buffer.allCases.count - 2, "all but the two scratch buffers")
        for (buffer, perImage) in expected {
            #expect(buffer.count(plan: plan, maximumBatch: 1) == perImage, "\(buffer)")
            #expect(buffer.count(plan: plan, maximumBatch: 3) == 3 * perImage, "\(buffer)")
        }
        let total = Workspace.Buffer.allCases.reduce(0) { $0 + $1.count(plan: plan, maximumBatch: 2) }
        #expect(Workspace.valueCount(plan: plan, maximumBatch: 2) == Double(total))
    }

    @Test func refusesAnInputSmallerThanTheFirstConvolution() throws {
        let json = #"{"input_width":10,"input_height":40,"output_width":1,"output_height":1,"coarse":{"conv1":4,"conv2":4,"conv3":4,"conv4":4,"conv5":4,"fc6":4},"fine":{"conv1":4,"conv2":4}}"#
        let architecture = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
        #expect(throws: ModelError.invalidArchitecture("input 10x40 is smaller than the 11x11 first convolution")) {
            try architecture.validate()
        }
    }
}
