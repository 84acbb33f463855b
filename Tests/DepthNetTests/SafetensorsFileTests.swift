import Testing
@testable import DepthNet

@Suite struct SafetensorsFileTests {
    @Test func readsF32TensorsAndMetadata() throws {
        let bytes = safetensorsBytes(
            header: #"{"__metadata__":{"k":"v"},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
            data: f32Bytes([1.5, -2, 3]))
        let file = try SafetensorsFile(bytes: bytes)
        #expect(file.metadata == ["k": "v"])
        #expect(file.tensors["a"] == Tensor(shape: [2], values: [1.5, -2]))
        #expect(file.tensors["b"] == Tensor(shape: [1], values: [3]))
        #expect(file.storedTypes == ["a": "F32", "b": "F32"])
    }

    @Test func widensF16ToF32() throws {
        // 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal 2^-24 = 0x0001
        let bytes = safetensorsBytes(header: #"{"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]}}"#,
                                     data: [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00])
        let file = try SafetensorsFile(bytes: bytes)
        #expect(file.tensors["h"]?.values == [1, -2, 65504, Float(1) / 16_777_216])
        #expect(file.storedTypes == ["h": "F16"], "the stored dtype is kept, so the engine can keep F16 weights as F16")
    }

    @Test func acceptsZeroElementTensorsAndTrailingHeaderSpaces() throws {
        let bytes = safetensorsBytes(header: #"{"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]}}   "#, data: [])
        #expect(try SafetensorsFile(bytes: bytes).tensors["e"]?.shape == [0, 3])
    }

    @Test func refusesTruncatedHeaderLength() {
        #expect(throws: SafetensorsError.headerTooSmall(fileSize: 5)) { try SafetensorsFile(bytes: [1, 0, 0, 0, 0]) }
    }

    @Test func refusesHeaderLengthBeyondFile() {
        let bytes: [UInt8] = [100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8)
        #expect(throws: SafetensorsError.headerBeyondFile(declared: 100, fileSize: 10)) { try SafetensorsFile(bytes: bytes) }
    }

    @Test func refusesHeaderLengthAboveLimit() {
        let bytes: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x80] + Array("{}".utf8)
        #expect(throws: SafetensorsError.headerTooLarge(declared: 0x8000_0000_0000_0000, limit: 100_000_000)) {
            try SafetensorsFile(bytes: bytes)
        }
    }

    @Test func refusesHeaderThatIsNotAJSONObject() {
        #expect(throws: SafetensorsError.headerNotJSONObject) { try SafetensorsFile(bytes: safetensorsBytes(header: "[1]", data: [])) }
        #expect(throws: SafetensorsError.headerNotJSONObject) { try SafetensorsFile(bytes: [2, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF]) }
    }

    @Test func refusesMalformedJSON() {
        let bytes = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]"#, data: f32Bytes([1]))
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(bytes: bytes) }
        let wrongType = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}"#, data: f32Bytes([1]))
        #expect { try SafetensorsFile(bytes: wrongType) } throws: { error in
            guard case .invalidHeaderJSON(let reason) = error as? SafetensorsError else { return false }
            return reason.contains("shape")
        }
    }

    @Test func refusesOverlappingOffsets() {
        let bytes = safetensorsBytes(
            header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            data: f32Bytes([1, 2]))
        #expect(throws: SafetensorsError.offsetsNotContiguous(tensor: "b", expectedStart: 8, actualStart: 4)) { try SafetensorsFile(bytes: bytes) }
        #expect(SafetensorsError.offsetsNotContiguous(tensor: "b", expectedStart: 8, actualStart: 4).description.contains("overlapping"))
    }

    @Test func refusesGapInData() {
        let bytes = safetensorsBytes(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
            data: f32Bytes([1, 2, 3]))
        #expect(throws: SafetensorsError.offsetsNotContiguous(tensor: "b", expectedStart: 4, actualStart: 8)) { try SafetensorsFile(bytes: bytes) }
    }

    @Test func refusesDataLongerOrShorterThanTheTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        #expect(throws: SafetensorsError.dataSizeMismatch(tensorBytes: 4, dataBytes: 8)) {
            try SafetensorsFile(bytes: safetensorsBytes(header: header, data: f32Bytes([1, 2])))
        }
        #expect(throws: SafetensorsError.dataSizeMismatch(tensorBytes: 4, dataBytes: 2)) {
            try SafetensorsFile(bytes: safetensorsBytes(header: header, data: [0, 0]))
        }
    }

    @Test func refusesUnsupportedDType() {
        let bytes = safetensorsBytes(header: #"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(throws: SafetensorsError.unsupportedDType(tensor: "a", dtype: "I64")) { try SafetensorsFile(bytes: bytes) }
    }

    @Test func refusesShapeThatDisagreesWithByteSpan() {
        let bytes = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: f32Bytes([1, 2]))
        #expect(throws: SafetensorsError.byteSpanMismatch(tensor: "a", shape: [3], dtype: "F32", expectedBytes: 12, actualBytes: 8)) {
            try SafetensorsFile(bytes: bytes)
        }
    }

    @Test func refusesShapeProductOverflow() {
        let bytes = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, data: f32Bytes([1]))
        #expect(throws: SafetensorsError.shapeOverflow(tensor: "a", shape: [4_294_967_296, 4_294_967_296])) { try SafetensorsFile(bytes: bytes) }
    }

    @Test func refusesNegativeDimensionsAndBadOffsets() {
        let negative = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: f32Bytes([1]))
        #expect(throws: SafetensorsError.invalidTensorInfo(tensor: "a", reason: "shape [-1] has a negative dimension")) { try SafetensorsFile(bytes: negative) }
        let triple = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}"#, data: f32Bytes([1]))
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(bytes: triple) }
        let backwards = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, data: f32Bytes([1]))
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(bytes: backwards) }
    }

    @Test func refusesNonStringMetadata() {
        let bytes = safetensorsBytes(header: #"{"__metadata__":{"k":1}}"#, data: [])
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(bytes: bytes) }
    }
}
