import Foundation

/// The service's OpenAPI 3.1 description, read once at start-up and served at `GET /openapi.yaml`.
///
/// The single copy lives in Sources/DepthService/Resources/openapi.yaml (a SwiftPM resource, so the
/// build places it in `depthd_DepthService.resources/` beside the binary); /openapi.yaml at the
/// repository root is a symlink to it. It is found here by path rather than through `Bundle.module`,
/// whose generated accessor traps when the bundle is missing: a misplaced resource must fail
/// start-up with a message, not crash.
public struct OpenAPIDocument: Sendable, Equatable {
    public static let mediaType = "application/yaml"
    /// The directory SwiftPM copies the target's resources into, beside the built executable.
    public static let resourceBundleName = "depthd_DepthService.resources"

    /// The document's bytes, served as is.
    public let bytes: [UInt8]
    /// Where it was read from (for the start-up log).
    public let path: String

    /// Where the document is looked for, in order: the SwiftPM resource bundle beside the
    /// executable (a build, or an install that copied the bundle with the binary), the install
    /// prefix's share/depthd, /usr/share/depthd, and /app (the container image).
    public static func candidates(executablePath: String) -> [String] {
        let executableDirectory = (executablePath as NSString).deletingLastPathComponent
        let prefix = (executableDirectory as NSString).deletingLastPathComponent
        return [
            executableDirectory + "/" + resourceBundleName + "/openapi.yaml",
            (prefix as NSString).appendingPathComponent("share/depthd/openapi.yaml"),
            "/usr/share/depthd/openapi.yaml",
            "/app/openapi.yaml",
        ]
    }

    /// Reads the first candidate that exists; throws naming every path tried if none does.
    public static func load(executablePath: String = CommandLine.arguments.first ?? "") throws -> OpenAPIDocument {
        let tried = candidates(executablePath: executablePath)
        for path in tried {
            if let data = FileManager.default.contents(atPath: path) {
                return OpenAPIDocument(bytes: Array(data), path: path)
            }
        }
        throw OpenAPIDocumentNotFound(tried: tried)
    }
}

public struct OpenAPIDocumentNotFound: Error, CustomStringConvertible {
    public var tried: [String]
    public var description: String { "openapi.yaml not found; tried " + tried.joined(separator: ", ") }
}
