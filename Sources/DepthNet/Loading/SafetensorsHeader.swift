/// The JSON header of a safetensors file: tensor entries plus the optional `__metadata__`.
struct SafetensorsHeader: Decodable {
    struct Entry {
        let name: String
        let dtype: String
        let shape: [Int]
        let start: Int
        let end: Int
    }

    private struct RawEntry: Decodable {
        let dtype: String
        let shape: [Int]
        let data_offsets: [Int]
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    let entries: [Entry]
    let metadata: [String: String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
                continue
            }
            let raw = try container.decode(RawEntry.self, forKey: key)
            let name = key.stringValue
            guard raw.dtype == "F32" || raw.dtype == "F16" else {
                throw SafetensorsError.unsupportedDType(tensor: name, dtype: raw.dtype)
            }
            guard raw.shape.allSatisfy({ $0 >= 0 }) else {
                throw SafetensorsError.invalidTensorInfo(tensor: name, reason: "shape \(raw.shape) has a negative dimension")
            }
            guard raw.data_offsets.count == 2, raw.data_offsets[0] >= 0, raw.data_offsets[1] >= 0 else {
                throw SafetensorsError.invalidTensorInfo(tensor: name, reason: "data_offsets \(raw.data_offsets) is not a pair of non-negative integers")
            }
            entries.append(Entry(name: name, dtype: raw.dtype, shape: raw.shape, start: raw.data_offsets[0], end: raw.data_offsets[1]))
        }
        self.entries = entries
        self.metadata = metadata
    }
}
