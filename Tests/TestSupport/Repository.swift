import Foundation

/// The package's root folder, found from this file's path (Tests/TestSupport/Repository.swift):
/// the fixtures, golden files, bundled model and OpenAPI document are read from the source tree.
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
