import DepthService
import Foundation

/// Where `depthd predict` writes each depth map.
///
/// Without `--output`, beside its photo: `photo.jpg` -> `photo-depth.png` (png16),
/// `photo-depth.json` (json), `photo-color.png` (color),
/// `photo-depth.npy` (npy) or `photo-points.ply` (ply). With one photo, `--output` is the file
/// to write (or an existing folder to write into); with several, it is a folder (created if missing).
enum OutputPaths {
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func suffix(for format: DepthRequestOptions.Format) -> String {
        switch format {
        case .png16: "-depth.png"
        case .json: "-depth.json"
        case .color: "-color.png"
        case .npy: "-depth.npy"
        case .ply: "-points.ply"
        }
    }

    /// One output path per input, in order.
    static func plan(inputs: [String], output: String?, format: DepthRequestOptions.Format) throws -> [String] {
        let suffix = suffix(for: format)
        func name(_ input: String) -> String {
            let url = URL(fileURLWithPath: input)
            let stem = url.deletingPathExtension().lastPathComponent
            return (stem.isEmpty ? url.lastPathComponent : stem) + suffix
        }
        guard let output else {
            return inputs.map { (($0 as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name($0)) }
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory)
        if inputs.count == 1, !output.hasSuffix("/"), !(exists && isDirectory.boolValue) {
            return [output]
        }
        if exists && !isDirectory.boolValue {
            throw UsageError(description: "--output \(output) is a file; give a folder when several images are given")
        }
        if !exists {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            } catch {
                throw UsageError(description: "cannot create output folder \(output): \((error as NSError).localizedDescription)")
            }
        }
        return inputs.map { (output as NSString).appendingPathComponent(name($0)) }
    }
}
