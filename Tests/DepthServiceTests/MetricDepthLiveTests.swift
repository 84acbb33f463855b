import Foundation
import ImageIO
import Testing
@testable import DepthService
import LiveTestSupport

/// Metric depth through `POST /v1/depth` on a live server: the camera's focal length (request,
/// EXIF, model) and where it came from, npy and ply, points and known distances.
@Suite("Metric depth (live)", .timeLimit(.minutes(3)))
struct MetricDepthLiveTests {
    static func post(_ client: RawClient, _ query: String, _ photo: [UInt8], type: String = "image/jpeg") async throws -> RawResponse {
        try await client.request("POST", "/v1/depth?" + query, headers: [("Content-Type", type)], body: photo)
    }

    @Test func doublingTheFocalLengthDoublesTheDepthToTheMillimetre() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            let photo = try ServiceFixtures.jpeg(width: 640, height: 480)
            let single = try await Self.post(client, "format=npy&focal_px=400", photo)
            let double = try await Self.post(client, "format=npy&focal_px=800", photo)
            #expect(single.status == 200 && double.status == 200, "\(single.bodyText)")
            #expect(single.headers["Content-Type"] == "application/x-npy")
            #expect(single.headers["X-Depth-Focal-Px"] == "400.00" && double.headers["X-Depth-Focal-Px"] == "800.00")
            #expect(single.headers["X-Depth-Scale-Source"] == "request")
            let a = try #require(DepthFiles.npy(single.body)), b = try #require(DepthFiles.npy(double.body))
            #expect(a.shape == [480, 640] && b.shape == [480, 640])
            let largest = zip(a.values, b.values).map { abs($1 - 2 * $0) }.max() ?? .infinity
            #expect(largest < 0.001, "largest difference from twice the depth: \(largest) m")
            #expect(a.values.allSatisfy { $0.isFinite && $0 > 0 })

            // The same in JSON (millimetres), and fov_deg naming the same lens gives the same depth.
            let degrees = 2 * atan(320.0 / 800) * 180 / .pi
            let json1 = try #require(try await Self.post(client, "format=json&size=native&focal_px=400", photo).json)
            let json2 = try #require(try await Self.post(client, "format=json&size=native&fov_deg=\(degrees)", photo).json)
            #expect(json1["focal_px"] as? Double == 400 && json1["scale_source"] as? String == "request")
            #expect(abs((json2["focal_px"] as? Double ?? 0) - 800) < 0.01)
            let d1 = try #require(json1["depth"] as? [Double]), d2 = try #require(json2["depth"] as? [Double])
            #expect(zip(d1, d2).allSatisfy { abs($1 - 2 * $0) <= 0.0015 }, "within the 3-decimal rounding of each")
        }
    }

    @Test func exifFocalLengthIsUsedAndStatedInEveryFormat() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            let photo = try ServiceFixtures.imageFixture("exif_35mm.jpg")  // 64x48, 26 mm equivalent
            let expected = 26 * 80 / (36.0 * 36 + 24 * 24).squareRoot()
            let png = try await Self.post(client, "format=png16", photo)
            #expect(png.status == 200)
            #expect(png.headers["X-Depth-Scale-Source"] == "exif")
            #expect(png.headers["X-Depth-Focal-Px"] == String(format: "%.2f", expected))
            let text = PipelineFixtures.pngText(png.body)
            #expect(text["focal-px"] == String(format: "%.2f", expected) && text["scale-source"] == "exif")
            let json = try #require(try await Self.post(client, "format=json", photo).json)
            #expect(json["scale_source"] as? String == "exif")
            #expect(json["focal_exif_tags"] as? String == "FocalLengthIn35mmFilm")
            // The request's focal length wins over EXIF, and the same value gives the same depth.
            let stated = try #require(try await Self.post(client, "format=json&focal_px=\(expected)", photo).json)
            #expect(stated["scale_source"] as? String == "request")
            #expect((stated["depth"] as? [Double]) == (json["depth"] as? [Double]))
        }
    }

    @Test func withoutAFocalLengthTheModelsCameraIsAssumed() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            // 320x200 covers the 320x240 frame at s = 1.2: the model's 259.43 px is 216.19 photo pixels.
            let response = try await Self.post(client, "format=json", try ServiceFixtures.png(width: 320, height: 200), type: "image/png")
            #expect(response.headers["X-Depth-Scale-Source"] == "model")
            #expect(response.headers["X-Depth-Focal-Px"] == "216.19")
            let model = try #require(try await client.request("GET", "/v1/model").json)
            let camera = try #require(model["camera"] as? [String: Any])
            #expect(camera["focal_px"] as? Double == 259.43 && camera["width"] as? Int == 320)
        }
    }

    @Test func pointCloudProjectsBackOntoItsPixelsWithTheStatedFocalLength() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            let photoImage = ServiceFixtures.scene(width: 160, height: 120)
            let photo = try ImageEncoder.png(photoImage)
            let ply = try await Self.post(client, "format=ply&focal_px=150&step=1", photo, type: "image/png")
            #expect(ply.status == 200 && ply.headers["Content-Type"] == "application/x-ply")
            let cloud = try #require(DepthFiles.ply(ply.body))
            #expect(cloud.comments["focal_px"] == "150.00" && cloud.comments["scale_source"] == "request")
            #expect(String(cloud.points.count) == ply.headers["X-Depth-Points"])
            #expect(cloud.points.count > 0 && cloud.points.count <= 160 * 120)
            let npy = try #require(DepthFiles.npy(try await Self.post(client, "format=npy&focal_px=150", photo, type: "image/png").body))
            for point in cloud.points {
                let u = 150 * Double(point.x) / Double(point.z) + 80, v = 150 * Double(point.y) / Double(point.z) + 60
                let column = Int(u.rounded(.down)), row = Int(v.rounded(.down))
                #expect(abs(u - (Double(column) + 0.5)) < 1e-3 && abs(v - (Double(row) + 0.5)) < 1e-3, "(\(u), \(v)) is a pixel centre")
                #expect(abs(point.z - npy.values[row * 160 + column]) < 1e-5)
                let colour = photoImage.pixel(x: column, y: row)
                #expect(point.r == colour.r && point.g == colour.g && point.b == colour.b)
            }
            // step=4: every 4th pixel on both axes, at most 40x30 points.
            let sparse = try #require(DepthFiles.ply(try await Self.post(client, "format=ply&focal_px=150&step=4", photo, type: "image/png").body))
            #expect(sparse.points.count <= 40 * 30 && sparse.points.count > 0)
            #expect(sparse.points.allSatisfy { Int((150 * Double($0.x) / Double($0.z) + 80).rounded(.down)) % 4 == 0 })
        }
    }

    @Test func knownDistancesRescaleTheMapAndAreReported() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            let photo = try ServiceFixtures.jpeg(width: 640, height: 480)
            let plain = try #require(try await Self.post(client, "format=json&size=native&points=100,80;500,400", photo).json)
            let measured = try #require(plain["points"] as? [[String: Any]])
            let a = try #require(measured[0]["depth"] as? Double), b = try #require(measured[1]["depth"] as? Double)

            let one = try await Self.post(client, "format=json&size=native&known=100,80,3.0&points=100,80", photo)
            #expect(one.headers["X-Depth-Scale-Source"] == "known")
            let oneJSON = try #require(one.json)
            let point = try #require((oneJSON["points"] as? [[String: Any]])?.first)
            #expect(abs((point["depth"] as? Double ?? 0) - 3.0) <= 0.001, "the known point reads its known distance")
            let fit = try #require(oneJSON["known_fit"] as? [String: Any])
            // `a` and `b` come rounded to the millimetre: relative tolerance 0.0005 / 2 m.
            #expect(abs((fit["factor"] as? Double ?? 0) - 3.0 / a) < 5e-4 * (3.0 / a))
            #expect(fit["residual"] as? Double == 0)

            // Two points that disagree with the map's ratio: the log-space best fit, and its residual.
            let two = try await Self.post(client, "format=json&size=native&known=100,80,3.0;500,400,6.0", photo)
            let twoFit = try #require(two.json?["known_fit"] as? [String: Any])
            let factor = ((3.0 / a) * (6.0 / b)).squareRoot()
            let residual = abs(log(3.0 / a) - log(6.0 / b)) / 2
            #expect(abs((twoFit["factor"] as? Double ?? 0) - factor) < 5e-4 * factor)
            #expect(abs((twoFit["residual"] as? Double ?? 0) - residual) < 5e-4)
            #expect(two.headers["X-Depth-Scale-Factor"] == String(format: "%.6f", twoFit["factor"] as? Double ?? 0))
        }
    }

    @Test(arguments: [
        ("focal_px=0", "focal_px"), ("focal_px=-5", "focal_px"), ("focal_px=abc", "focal_px"), ("focal_px=1e9", "focal_px"),
        ("focal_px=nan", "focal_px"), ("fov_deg=0", "fov_deg"), ("fov_deg=179", "fov_deg"), ("focal_px=500&fov_deg=60", "fov_deg"),
        ("format=ply&step=0", "step"), ("format=json&step=2", "step"), ("format=color&min_m=5&max_m=1", "max_m"),
        ("format=color&min_m=1", "max_m"), ("format=png16&min_m=1&max_m=5", "min_m"), ("points=10,10", "points"),
        ("format=json&points=10", "points"), ("format=json&points=9999,10", "points"), ("known=10,10,0", "known"),
        ("known=10,10", "known"), ("known=10,-1,2", "known"), ("fit=crop", "fit"), ("format=tiff", "format"), ("size=big", "size"),
    ])
    func badValuesAre400sNamingTheParameter(query: String, parameter: String) async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            let response = try await Self.post(client, query, try ServiceFixtures.jpeg(width: 320, height: 240))
            #expect(response.status == 400, "\(query): \(response.bodyText)")
            #expect(response.headers["Content-Type"] == ProblemDetails.mediaType)
            let problem = try #require(response.json)
            #expect(problem["parameter"] as? String == parameter, "\(query): \(response.bodyText)")
            #expect((problem["detail"] as? String ?? "").contains(parameter) || parameter == "format" || parameter == "size",
                    "\(query): \(response.bodyText)")
        }
    }
}
