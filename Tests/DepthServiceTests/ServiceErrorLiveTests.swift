import Foundation
import Testing
@testable import DepthService
import LiveTestSupport

/// Every refusal of the live service is application/problem+json with a detail a person can act on.
@Suite("Service errors (live)", .timeLimit(.minutes(2)))
struct ServiceErrorLiveTests {
    static func expectProblem(_ response: RawResponse, status: Int, type: String? = nil, detailContains: String) throws -> [String: Any] {
        #expect(response.status == status)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        let problem = try #require(response.json, "problem body: \(response.bodyText)")
        #expect(problem["status"] as? Int == status)
        if let type { #expect(problem["type"] as? String == "tag:depthd,2026:problems/\(type)") }
        let detail = try #require(problem["detail"] as? String)
        #expect(detail.contains(detailContains), "detail: \(detail)")
        return problem
    }

    @Test func truncatedJPEGIs400SayingItIsTruncated() async throws {
        try await withService { app in
            let photo = try ServiceFixtures.jpeg()
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth", headers: [("Content-Type", "image/jpeg")], body: Array(photo.prefix(photo.count / 3)))
            _ = try Self.expectProblem(response, status: 400, type: "undecodable-image", detailContains: "Truncated JPEG")
        }
    }

    @Test func bytesThatAreNoImageAre400() async throws {
        try await withService { app in
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth", headers: [("Content-Type", "image/png")], body: Array("hello, not a picture".utf8))
            _ = try Self.expectProblem(response, status: 400, type: "undecodable-image", detailContains: "Not an image")
        }
    }

    @Test func gifAndWebPBodiesAre415EvenAsOctetStream() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            for (fixture, name) in [("hostile_header.gif", "GIF"), ("hostile_header.webp", "WebP")] {
                let response = try await client.request("POST", "/v1/depth", headers: [("Content-Type", "application/octet-stream")],
                                                        body: try ServiceFixtures.imageFixture(fixture))
                let problem = try Self.expectProblem(response, status: 415, type: "unsupported-media-type", detailContains: name)
                #expect((problem["supported"] as? [String])?.contains("image/jpeg") == true)
            }
        }
    }

    @Test func unsupportedContentTypeIs415ListingTheSupportedOnes() async throws {
        try await withService { app in
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth", headers: [("Content-Type", "text/plain")], body: try ServiceFixtures.jpeg())
            let problem = try Self.expectProblem(response, status: 415, detailContains: "image/jpeg, image/png, application/octet-stream, multipart/form-data")
            #expect(problem["supported"] as? [String] == ImageUpload.supportedMediaTypes)
        }
    }

    @Test func multipartWithoutAnImagePartIs400NamingThePart() async throws {
        try await withService { app in
            let form = ServiceFixtures.multipart([("photo", "a.jpg", "image/jpeg", try ServiceFixtures.jpeg())])
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth", headers: [("Content-Type", form.contentType)], body: form.body)
            _ = try Self.expectProblem(response, status: 400, detailContains: "`image`")
        }
    }

    /// More parts than an upload may have is a size limit (413, like the byte limit), the status
    /// the multipart parser itself gives; it was 400 here while the parser said 413.
    @Test func multipartWithTooManyPartsIs413StatingThePartLimit() async throws {
        try await withService { app in
            let photo = try ServiceFixtures.jpeg()
            let parts = [("image", "photo.jpg", "image/jpeg", photo)]
                + (1...ImageUpload.maxFormParts).map { ("note\($0)", "n.txt", "text/plain", Array("x".utf8)) }
            let form = ServiceFixtures.multipart(parts)
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth", headers: [("Content-Type", form.contentType)], body: form.body)
            let problem = try Self.expectProblem(response, status: 413, type: "too-many-parts",
                                                 detailContains: "more than \(ImageUpload.maxFormParts) parts")
            #expect(problem["limit"] as? Int == ImageUpload.maxFormParts)
            #expect(problem["unit"] as? String == "parts")
        }
    }

    @Test func bodyOverTheByteLimitIs413WithTheLimit() async throws {
        try await withService(testConfiguration { $0.maxBodyBytes = 50_000 }) { app in
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth", headers: [("Content-Type", "image/jpeg")], body: [UInt8](repeating: 0xFF, count: 60_000))
            let problem = try Self.expectProblem(response, status: 413, type: "body-too-large", detailContains: "50000 bytes")
            #expect(problem["limit"] as? Int == 50_000)
            #expect(problem["unit"] as? String == "bytes")
        }
    }

    @Test func imageOverThePixelLimitIs413BeforeDecoding() async throws {
        try await withService(testConfiguration { $0.maxPixels = 100_000 }) { app in
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth", headers: [("Content-Type", "image/jpeg")], body: try ServiceFixtures.jpeg(width: 640, height: 480))
            let problem = try Self.expectProblem(response, status: 413, type: "image-too-large", detailContains: "640x480")
            #expect(problem["limit"] as? Int == 100_000)
            #expect(problem["unit"] as? String == "pixels")
        }
    }

    @Test func unknownFormatIs400ListingTheFormats() async throws {
        try await withService { app in
            let response = try await RawClient(port: app.port).request(
                "POST", "/v1/depth?format=tiff", headers: [("Content-Type", "image/jpeg")], body: try ServiceFixtures.jpeg())
            _ = try Self.expectProblem(response, status: 400, detailContains: "png16, json, color")
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            let missing = try await client.request("GET", "/v2/depth")
            _ = try Self.expectProblem(missing, status: 404, detailContains: "/v2/depth")
            let wrong = try await client.request("GET", "/v1/depth")
            _ = try Self.expectProblem(wrong, status: 405, detailContains: "POST")
            #expect(wrong.headers["Allow"] == "OPTIONS, POST")
        }
    }

    @Test func requestIdIsHonouredOrGeneratedAndNamedInTheProblem() async throws {
        try await withService { app in
            let client = try RawClient(port: app.port)
            let honoured = try await client.request("GET", "/nowhere", headers: [("X-Request-Id", "abc-123")])
            #expect(honoured.headers["X-Request-Id"] == "abc-123")
            #expect(honoured.json?["instance"] as? String == "request/abc-123")
            let generated = try await client.request("GET", "/nowhere", headers: [("X-Request-Id", "bad id with spaces")])
            let id = try #require(generated.headers["X-Request-Id"])
            #expect(UUID(uuidString: id) != nil)
            #expect(generated.json?["instance"] as? String == "urn:uuid:" + id)
        }
    }
}
