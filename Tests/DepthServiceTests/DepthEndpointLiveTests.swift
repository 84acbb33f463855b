import DepthNet
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ImageIO
import Testing
@testable import DepthService
import LiveTestSupport

/// POST /v1/depth end to end on a live server: real JPEG and PNG files, raw and multipart, compared
/// with the depth pipeline run directly on the same bytes.
@Suite("Depth endpoint (live)", .timeLimit(.minutes(2)))
struct DepthEndpointLiveTests {
    /// The answer the pipeline gives for `bytes` without HTTP, with a predictor built like a worker's.
    static func directAnswer(_ bytes: [UInt8], options: DepthRequestOptions, maxBatch: Int) throws -> EncodedDepth {
        let model = try ServiceFixtures.tinyModel()
        let pipeline = DepthPipeline(model: model)
        let predictor = try Predictor(model: model, maximumBatchSize: maxBatch)
        let map = try DepthPipeline.predict(images: [try pipeline.prepare(bytes)], predictor: predictor)[0]
        return try pipeline.render(map, options: options)
    }

    @Test func rawJPEGThroughURLSessionAnswersThe16BitPNGThePipelineComputes() async throws {
        let configuration = testConfiguration()
        try await withService(configuration) { app in
            let photo = try ServiceFixtures.jpeg(width: 640, height: 480)
            var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(app.port)/v1/depth")))
            request.httpMethod = "POST"
            request.httpBody = Data(photo)
            request.setValue("image/jpeg", forHTTPHeaderField: "Content-Type")
            request.setValue("client-id-42", forHTTPHeaderField: "X-Request-Id")
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            let (data, response) = try await session.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 200)
            #expect(http.value(forHTTPHeaderField: "Content-Type") == "image/png")
            #expect(http.value(forHTTPHeaderField: "X-Depth-Unit") == "mm")
            #expect(http.value(forHTTPHeaderField: "X-Depth-Scale") == "0.001")
            #expect(http.value(forHTTPHeaderField: "X-Request-Id") == "client-id-42")
            let timing = try #require(http.value(forHTTPHeaderField: "Server-Timing"))
            let phases = timing.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).prefix { $0 != ";" } }
            #expect(phases == ["decode", "queue", "model", "encode"], "Server-Timing: \(timing)")

            let png = [UInt8](data)
            #expect(PNGHeader(png) == PNGHeader(width: 640, height: 480, bitDepth: 16, colorType: 0))
            #expect(PipelineFixtures.pngText(png)["depth-unit"] == "mm")
            let direct = try Self.directAnswer(photo, options: DepthRequestOptions(format: .png16, size: .input),
                                               maxBatch: configuration.maxBatch)
            #expect(png == direct.bytes, "the service's PNG equals the pipeline's for the same file")
        }
    }

    @Test func multipartPNGAsksForJSONAndGetsMetresAtThePhotoSize() async throws {
        let configuration = testConfiguration()
        try await withService(configuration) { app in
            let photo = try ServiceFixtures.png(width: 320, height: 200)
            let form = ServiceFixtures.multipart([("image", "photo.png", "image/png", photo)])
            let client = try RawClient(port: app.port)
            let response = try await client.request("POST", "/v1/depth?format=json",
                                                    headers: [("Content-Type", form.contentType)], body: form.body)
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "application/json")
            let json = try #require(response.json)
            #expect(json["width"] as? Int == 320)
            #expect(json["height"] as? Int == 200)
            #expect(json["unit"] as? String == "m")
            let depth = try #require(json["depth"] as? [Double])
            #expect(depth.count == 320 * 200)
            let minimum = try #require(json["min"] as? Double), maximum = try #require(json["max"] as? Double)
            #expect(minimum > 0 && minimum <= maximum)
            #expect(depth.allSatisfy { $0 == 0 || ($0 >= minimum - 1e-9 && $0 <= maximum + 1e-9) })

            let direct = try Self.directAnswer(photo, options: DepthRequestOptions(format: .json, size: .input),
                                               maxBatch: configuration.maxBatch)
            let expected = try #require((try JSONSerialization.jsonObject(with: Data(direct.bytes)) as? [String: Any])?["depth"] as? [Double])
            let largest = zip(depth, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(largest <= 0.0015, "service and pipeline agree to the millimetre (largest difference \(largest) m)")
        }
    }

    @Test func multipartJPEGAndRawPNGGiveTheSameDepthAsTheirRawAndMultipartTwins() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            // native = the network's resolution over the photo: its 74x55 grid for 4:3; for 3:4,
            // 74 cells across and (427 - 12) / (228 / 55) = 100 down the photo's three windows.
            for (photo, type, rows) in [(try ServiceFixtures.jpeg(width: 200, height: 150), "image/jpeg", 55),
                                        (try ServiceFixtures.png(width: 96, height: 128), "image/png", 100)] {
                let raw = try await client.request("POST", "/v1/depth?size=native", headers: [("Content-Type", type)], body: photo)
                let form = ServiceFixtures.multipart([("image", "photo", type, photo)])
                let multipart = try await client.request("POST", "/v1/depth?size=native",
                                                         headers: [("Content-Type", form.contentType)], body: form.body)
                #expect(raw.status == 200 && multipart.status == 200)
                #expect(PNGHeader(raw.body) == PNGHeader(width: 74, height: rows, bitDepth: 16, colorType: 0))
                #expect(raw.body == multipart.body)
            }
        }
    }

    @Test func exifRotatedJPEGAnswersAtItsUprightSize() async throws {
        try await withService { app in
            let photo = try ServiceFixtures.imageFixture("orientation6.jpg")
            let header = try ImageDecoder.probe(photo)
            #expect(header.orientation.swapsAxes)
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth", headers: [("Content-Type", "application/octet-stream")], body: photo)
            #expect(response.status == 200)
            let png = try #require(PNGHeader(response.body))
            #expect(png.width == header.size.width && png.height == header.size.height)
            #expect(png.width == header.storedSize.height)
        }
    }

    @Test func acceptHeaderChoosesJSONAndColorGivesAnRGBPreview() async throws {
        try await withService { app in
            let photo = try ServiceFixtures.jpeg(width: 160, height: 120)
            let client = try RawClient(port: app.port)
            let json = try await client.request("POST", "/v1/depth", headers: [("Content-Type", "image/jpeg"),
                                                                                 ("Accept", "image/png;q=0.5, application/json")], body: photo)
            #expect(json.headers["Content-Type"] == "application/json")
            #expect(json.json?["width"] as? Int == 160)
            let color = try await client.request("POST", "/v1/depth?format=color", headers: [("Content-Type", "image/jpeg")], body: photo)
            #expect(color.status == 200)
            #expect(PNGHeader(color.body) == PNGHeader(width: 160, height: 120, bitDepth: 8, colorType: 2))
        }
    }

    @Test func serviceAndDepthdPredictGiveTheSameDepthForTheSameFile() async throws {
        let photo = try ServiceFixtures.jpeg(width: 256, height: 192)
        let folder = try DepthdProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(photo).write(to: folder.appendingPathComponent("photo.jpg"))
        let result = try await DepthdProcess.run(["predict", "photo.jpg", "--model", ServiceFixtures.tinyModelPath, "-o", "cli.png"], in: folder)
        #expect(result.status == 0, "depthd predict: \(result.stderr)")
        let cli = try Gray16Image.decodePNG(Array(try Data(contentsOf: folder.appendingPathComponent("cli.png"))))

        try await withService { app in
            let response = try await RawClient(port: app.port).request("POST", "/v1/depth", headers: [("Content-Type", "image/jpeg")], body: photo)
            #expect(response.status == 200)
            let served = try Gray16Image.decodePNG(response.body)
            #expect(served.width == cli.width && served.height == cli.height && served.width == 256)
            let largest = zip(served.values, cli.values).map { abs(Int($0) - Int($1)) }.max() ?? .max
            #expect(largest <= 1, "service and depthd predict agree within 1 mm (largest difference \(largest) mm)")
        }
    }
}
