import DepthNet
import DepthService
import Foundation
import ImageIO
import TestSupport

/// Synthetic photos and PNG readers for the pipeline and CLI tests (the tiny model is
/// `ServiceFixtures.tinyModel()`).
enum PipelineFixtures {
    /// The synthetic photo (TestSupport's pattern: a smooth photo-like image with a bright disc).
    static func photo(width: Int, height: Int) throws -> RGBImage {
        try RGBImage(width: width, height: height, pixels: syntheticPhotoPixels(width: width, height: height))
    }

    static func jpeg(width: Int, height: Int) throws -> [UInt8] {
        try ImageEncoder.jpeg(photo(width: width, height: height))
    }

    /// `jpeg` with an EXIF APP1 segment carrying `orientation` inserted after SOI.
    static func withOrientation(_ jpeg: [UInt8], _ orientation: Orientation) -> [UInt8] {
        let tiff: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0,
                             0x12, 0x01, 3, 0, 1, 0, 0, 0, UInt8(orientation.rawValue), 0, 0, 0, 0, 0, 0, 0]
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        return Array(jpeg.prefix(2)) + [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + Array(jpeg.dropFirst(2))
    }

    /// The chunks of a PNG file, read from its bytes: (type, data), CRCs not checked.
    static func pngChunks(_ bytes: [UInt8]) -> [(type: String, data: [UInt8])] {
        var chunks: [(type: String, data: [UInt8])] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { break }
            chunks.append((type, Array(bytes[offset + 8..<offset + 8 + length])))
            offset += 12 + length
        }
        return chunks
    }

    /// The tEXt entries of a PNG: keyword -> text (Latin-1).
    static func pngText(_ bytes: [UInt8]) -> [String: String] {
        var text: [String: String] = [:]
        for chunk in pngChunks(bytes) where chunk.type == "tEXt" {
            guard let nul = chunk.data.firstIndex(of: 0) else { continue }
            let latin1 = { (slice: ArraySlice<UInt8>) in String(String.UnicodeScalarView(slice.map { Unicode.Scalar($0) })) }
            text[latin1(chunk.data[..<nul])] = latin1(chunk.data[(nul + 1)...])
        }
        return text
    }

    /// Runs `bytes` through the whole pipeline with a fresh predictor.
    static func depthMap(_ bytes: [UInt8], pipeline: DepthPipeline) throws -> DepthMap {
        try depthMap(try pipeline.prepare(bytes), pipeline: pipeline)
    }

    /// Runs a prepared photo through the model with a fresh predictor.
    static func depthMap(_ image: PreparedImage, pipeline: DepthPipeline) throws -> DepthMap {
        let predictor = try Predictor(model: pipeline.model, maximumBatchSize: 1)
        let maps = try DepthPipeline.predict(images: [image], predictor: predictor)
        guard let map = maps.first else { throw ImageError.invalidArgument("no depth map") }
        return map
    }
}
