import Foundation
import ImageIO
import Testing
@testable import DepthService

@Suite("OpenAPIDocument")
struct OpenAPIDocumentTests {
    @Test func builtResourceIsTheRepositoryDocument() throws {
        // The test runner lives in the build directory, beside the resource bundle, like the binary.
        let document = try OpenAPIDocument.load()
        #expect(document.path.hasSuffix(OpenAPIDocument.resourceBundleName + "/openapi.yaml"))
        let atRoot = try Data(contentsOf: ServiceFixtures.repositoryRoot.appendingPathComponent("openapi.yaml"))
        #expect(document.bytes == Array(atRoot))
        #expect(String(decoding: document.bytes, as: UTF8.self).hasPrefix("openapi: 3.1."))
    }

    @Test func problemSchemaNamesEveryExtensionMemberTheServiceSends() throws {
        let text = String(decoding: try OpenAPIDocument.load().bytes, as: UTF8.self)
        let start = try #require(text.range(of: "\n    Problem:\n"))
        let end = try #require(text.range(of: "\n    DepthMap:\n"))
        let schema = text[start.upperBound..<end.lowerBound]
        let problems: [ProblemDetails] = [
            .undecodableImage("x"), .badRequest("x"), .notFound(path: "/x"),
            .methodNotAllowed(method: "GET", path: "/v1/depth", allowed: ["POST"]),
            .bodyTooLarge(limit: 1, received: 2), .tooManyParts(limit: 16), .imageTooLarge(width: 1, height: 1, limit: 1),
            .unsupportedMediaType(received: "text/plain", supported: ["image/png"]),
            .overloaded(retryAfterSeconds: 1), .notReady("x"), .queueTimeout(seconds: 1), .internalError(),
            .invalidParameter(.focalPx, "x"),
        ]
        for problem in problems {
            for (member, _) in problem.extensions {
                #expect(schema.contains("\n        \(member):\n"), "Problem schema lacks \(member)")
            }
            for case let ("unit", .string(unit)) in problem.extensions {
                #expect(schema.contains("enum: [bytes, pixels, parts]") && ["bytes", "pixels", "parts"].contains(unit),
                        "Problem schema's unit lacks \(unit)")
            }
        }
    }

    @Test func everyDepthParameterAndFormatTheServiceReadsIsDescribed() throws {
        let text = String(decoding: try OpenAPIDocument.load().bytes, as: UTF8.self)
        for parameter in DepthRequestOptions.Parameter.allCases {
            #expect(text.contains("        - name: \(parameter.rawValue)\n          in: query\n"), "\(parameter.rawValue) undocumented")
        }
        let formats = DepthRequestOptions.Format.allCases.map(\.rawValue).joined(separator: ", ")
        #expect(text.contains("enum: [\(formats)]"))
        let fits = FrameLayout.Fit.allCases.map(\.rawValue).joined(separator: ", ")
        #expect(text.contains("enum: [\(fits)]"))
        // And nothing more: POST /v1/depth documents exactly the query parameters the service
        // reads, and the enums are the service's.
        let documented = try #require(DocumentedOperations(try OpenAPIDocument.load()).queryParameters["POST /v1/depth"])
        #expect(Set(documented.keys) == Set(DepthRequestOptions.Parameter.allCases.map(\.rawValue)))
        #expect(documented["format"] == Set(DepthRequestOptions.Format.allCases.map(\.rawValue)))
        #expect(documented["fit"] == Set(FrameLayout.Fit.allCases.map(\.rawValue)))
    }

    @Test func missingDocumentFailsWithEveryPathTried() throws {
        let error = try #require(throws: OpenAPIDocumentNotFound.self) {
            try OpenAPIDocument.load(executablePath: "/nonexistent/bin/depthd")
        }
        #expect(error.tried.first == "/nonexistent/bin/depthd_DepthService.resources/openapi.yaml")
        #expect(error.tried.contains("/nonexistent/share/depthd/openapi.yaml"))
        #expect(error.description.contains("/app/openapi.yaml"))
    }
}
