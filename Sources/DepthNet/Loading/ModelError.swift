/// Why a weights file was refused as a depth model.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The bytes are not a valid safetensors file.
    case safetensors(SafetensorsError)
    /// A required `__metadata__` key is absent.
    case missingMetadata(key: String)
    /// A `__metadata__` value is malformed or unsupported.
    case invalidMetadata(key: String, reason: String)
    /// The declared architecture is impossible (bad widths or a fine path that misses the output size).
    case invalidArchitecture(String)
    /// A tensor the architecture needs is absent.
    case missingTensor(String)
    /// A tensor the architecture does not use is present.
    case unexpectedTensor(String)
    /// A tensor's shape differs from what the architecture declares.
    case shapeMismatch(tensor: String, actual: [Int], expected: [Int])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read weights file \(path): \(reason)"
        case .safetensors(let error): return error.description
        case .missingMetadata(let key): return "weights metadata lacks \"\(key)\""
        case .invalidMetadata(let key, let reason): return "weights metadata \"\(key)\" is invalid: \(reason)"
        case .invalidArchitecture(let reason): return "declared architecture is invalid: \(reason)"
        case .missingTensor(let name): return "tensor \(name) is missing"
        case .unexpectedTensor(let name): return "tensor \(name) is not part of the declared architecture"
        case .shapeMismatch(let name, let actual, let expected):
            return "\(name) has shape \(actual) but the architecture declares \(expected)"
        }
    }
}
