import Foundation

/// A parsed safetensors file: named F32 tensors (F16 widened) and the string metadata.
///
/// Parsing is a pure function of the bytes (`init(bytes:)`), validating like huggingface/safetensors'
/// `read_metadata`: bounded header, a JSON object, offsets in order, contiguous and covering the
/// data section exactly, shape products overflow-checked and equal to each byte span.
public struct SafetensorsFile: Sendable {
    /// The largest header accepted, as in the reference implementation.
    public static let maximumHeaderSize = 100_000_000

    /// Tensors by name.
    public let tensors: [String: Tensor]
    /// The dtype each tensor is stored as in the file ("F32" or "F16"), by name.
    public let storedTypes: [String: String]
    /// The `__metadata__` object (string to string); empty when absent.
    public let metadata: [String: String]

    /// Parses and validates a whole file held in memory. Throws `SafetensorsError`.
    public init(bytes: some Collection<UInt8>) throws(SafetensorsError) {
        let array = Array(bytes)
        let result = array.withUnsafeBytes { raw in Result { () throws(SafetensorsError) in try SafetensorsFile(raw: raw) } }
        self = try result.get()
    }

    /// Parses and validates a whole file held in memory. Throws `SafetensorsError`.
    public init(raw: UnsafeRawBufferPointer) throws(SafetensorsError) {
        guard raw.count >= 8 else { throw .headerTooSmall(fileSize: raw.count) }
        var declared: UInt64 = 0
        for index in 0..<8 { declared |= UInt64(raw[index]) << (8 * UInt64(index)) }
        guard declared <= UInt64(Self.maximumHeaderSize) else {
            throw .headerTooLarge(declared: declared, limit: Self.maximumHeaderSize)
        }
        let headerLength = Int(declared)
        guard headerLength <= raw.count - 8 else { throw .headerBeyondFile(declared: declared, fileSize: raw.count) }
        let headerBytes = UnsafeRawBufferPointer(rebasing: raw[8..<(8 + headerLength)])
        guard headerBytes.first == UInt8(ascii: "{"), String(validating: headerBytes, as: UTF8.self) != nil else {
            throw .headerNotJSONObject
        }
        let header: SafetensorsHeader
        do {
            header = try JSONDecoder().decode(SafetensorsHeader.self, from: Data(headerBytes))
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw .invalidHeaderJSON(Self.describe(error))
        }
        let data = UnsafeRawBufferPointer(rebasing: raw[(8 + headerLength)...])
        tensors = try Self.readTensors(header.entries, data: data)
        storedTypes = Dictionary(header.entries.map { ($0.name, $0.dtype) }, uniquingKeysWith: { _, last in last })
        metadata = header.metadata
    }

    /// Checks the entries in offset order and copies each tensor out as F32.
    private static func readTensors(_ entries: [SafetensorsHeader.Entry], data: UnsafeRawBufferPointer) throws(SafetensorsError) -> [String: Tensor] {
        let ordered = entries.sorted { ($0.start, $0.end, $0.name) < ($1.start, $1.end, $1.name) }
        var tensors: [String: Tensor] = [:]
        var expectedStart = 0
        for entry in ordered {
            guard entry.start == expectedStart else {
                throw .offsetsNotContiguous(tensor: entry.name, expectedStart: expectedStart, actualStart: entry.start)
            }
            guard entry.end >= entry.start else {
                throw .invalidTensorInfo(tensor: entry.name, reason: "data_offsets [\(entry.start), \(entry.end)] end before they start")
            }
            let elementSize = entry.dtype == "F32" ? 4 : 2
            var count = 1
            for dimension in entry.shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw .shapeOverflow(tensor: entry.name, shape: entry.shape) }
                count = product
            }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: elementSize)
            guard !overflow else { throw .shapeOverflow(tensor: entry.name, shape: entry.shape) }
            guard entry.end - entry.start == byteCount else {
                throw .byteSpanMismatch(tensor: entry.name, shape: entry.shape, dtype: entry.dtype,
                                        expectedBytes: byteCount, actualBytes: entry.end - entry.start)
            }
            guard entry.end <= data.count else { throw .dataSizeMismatch(tensorBytes: entry.end, dataBytes: data.count) }
            let span = UnsafeRawBufferPointer(rebasing: data[entry.start..<entry.end])
            let values = entry.dtype == "F32" ? decodeF32(span, count: count) : decodeF16(span, count: count)
            tensors[entry.name] = Tensor(shape: entry.shape, values: values)
            expectedStart = entry.end
        }
        guard expectedStart == data.count else { throw .dataSizeMismatch(tensorBytes: expectedStart, dataBytes: data.count) }
        return tensors
    }

    private static func decodeF32(_ span: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let bits = UInt32(littleEndian: span.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
                buffer[index] = Float(bitPattern: bits)
            }
            initialized = count
        }
    }

    private static func decodeF16(_ span: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let bits = UInt16(littleEndian: span.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                buffer[index] = HalfFloat.widen(bits)
            }
            initialized = count
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "\(context.debugDescription) (\($0.localizedDescription))" } ?? context.debugDescription
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "header" : path): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "header" : path) lacks \"\(key.stringValue)\""
        default:
            return String(describing: error)
        }
    }
}

/// IEEE 754 binary16 to binary32, written out so it works on every platform.
enum HalfFloat {
    static func widen(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        var mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            guard mantissa != 0 else { return Float(bitPattern: sign) }
            // Subnormal half: normalise into a float exponent.
            var shift: UInt32 = 0
            while mantissa & 0x0400 == 0 { mantissa <<= 1; shift += 1 }
            mantissa &= 0x03FF
            return Float(bitPattern: sign | ((113 - shift) << 23) | (mantissa << 13))
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }
}
