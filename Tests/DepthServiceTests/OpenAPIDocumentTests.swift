import Foundation
import Testing
@testable import DepthService

@Suite("OpenAPIDocument")
struct OpenAPIDocumentTests {
    private var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func builtResourceIsTheRepositoryDocument() throws {
        // The test runner lives in the build directory, beside the resource bundle, like the binary.
        let document = try OpenAPIDocument.load()
        #expect(document.path.hasSuffix(OpenAPIDocument.resourceBundleName + "/openapi.yaml"))
        let atRoot = try Data(contentsOf: repositoryRoot.appendingPathComponent("openapi.yaml"))
        #expect(document.bytes == Array(atRoot))
        #expect(String(decoding: document.bytes, as: UTF8.self).hasPrefix("openapi: 3.1."))
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
