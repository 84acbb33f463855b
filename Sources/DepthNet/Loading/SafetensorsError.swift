/// Why a safetensors byte buffer was refused. Every case says what is wrong in words a person can act on.
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than the 8 bytes that hold the header length.
    case headerTooSmall(fileSize: Int)
    /// The declared header length is above the 100 MB bound.
    case headerTooLarge(declared: UInt64, limit: Int)
    /// The declared header length runs past the end of the file.
    case headerBeyondFile(declared: UInt64, fileSize: Int)
    /// The header is not UTF-8 or does not start with `{`.
    case headerNotJSONObject
    /// The header is not valid JSON, or an entry has the wrong structure.
    case invalidHeaderJSON(String)
    /// A tensor uses a dtype other than F32 or F16.
    case unsupportedDType(tensor: String, dtype: String)
    /// A shape dimension or a data offset is negative or not a pair.
    case invalidTensorInfo(tensor: String, reason: String)
    /// The product of a tensor's dimensions (times its element size) overflows.
    case shapeOverflow(tensor: String, shape: [Int])
    /// A tensor's data does not start where the previous one ended (gap or overlap).
    case offsetsNotContiguous(tensor: String, expectedStart: Int, actualStart: Int)
    /// A tensor's byte span does not match its shape and dtype.
    case byteSpanMismatch(tensor: String, shape: [Int], dtype: String, expectedBytes: Int, actualBytes: Int)
    /// The tensors do not cover the data section exactly.
    case dataSizeMismatch(tensorBytes: Int, dataBytes: Int)

    public var description: String {
        switch self {
        case .headerTooSmall(let size):
            return "safetensors file is \(size) bytes, too small to hold the 8-byte header length"
        case .headerTooLarge(let declared, let limit):
            return "safetensors header declares \(declared) bytes, above the \(limit)-byte limit"
        case .headerBeyondFile(let declared, let size):
            return "safetensors header declares \(declared) bytes but the file has only \(max(size - 8, 0)) after the length"
        case .headerNotJSONObject:
            return "safetensors header is not a UTF-8 JSON object"
        case .invalidHeaderJSON(let reason):
            return "safetensors header is not valid: \(reason)"
        case .unsupportedDType(let tensor, let dtype):
            return "tensor \(tensor) has dtype \(dtype); only F32 and F16 are supported"
        case .invalidTensorInfo(let tensor, let reason):
            return "tensor \(tensor): \(reason)"
        case .shapeOverflow(let tensor, let shape):
            return "tensor \(tensor) has shape \(shape) whose size overflows"
        case .offsetsNotContiguous(let tensor, let expected, let actual):
            return actual < expected
                ? "tensor \(tensor) starts at byte \(actual), overlapping the previous tensor which ends at \(expected)"
                : "tensor \(tensor) starts at byte \(actual), leaving a gap after the previous tensor which ends at \(expected)"
        case .byteSpanMismatch(let tensor, let shape, let dtype, let expected, let actual):
            return "tensor \(tensor) of shape \(shape) and dtype \(dtype) needs \(expected) bytes but its offsets span \(actual)"
        case .dataSizeMismatch(let tensorBytes, let dataBytes):
            return "tensors cover \(tensorBytes) bytes but the data section holds \(dataBytes)"
        }
    }
}
