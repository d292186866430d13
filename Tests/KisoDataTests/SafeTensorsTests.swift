import Foundation
import Kiso
import KisoData
import Testing

@Suite struct SafeTensorsTests {
    typealias F = FormatFixtures

    @Test func roundTripsFloat32ExactlyWithMetadata() throws {
        let meta = ["kiso.model": "two-layer", "kiso.config": #"{"hidden": 50, "note": "é \"q\""}"#]
        let bytes = SafeTensors.encode(F.sample, metadata: meta)
        let file = try SafeTensors.decode(bytes)
        #expect(F.identical(file.tensors, F.sample))
        #expect(file.metadata == meta)
        #expect(file.dtypes["W1"] == .float32)
    }

    @Test func headerIsPaddedSoDataIsEightByteAligned() {
        let bytes = SafeTensors.encode(["a": Tensor([1, 2])])
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + n) % 8 == 0)
        // The exact bytes Python's safetensors also accepts: header JSON, spaces, then two little-endian floats.
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.trimmingCharacters(in: .whitespaces) == #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#)
        #expect(Array(bytes[(8 + n)...]) == [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
    }

    @Test func float16AndFloat64AreWrittenAndConvertedOnRead() throws {
        let t = Tensor([1.0, -2.5, 0.1, 70000])
        let half = try SafeTensors.decode(SafeTensors.encode(["t": t], dtype: .float16))
        #expect(half.dtypes["t"] == .float16)
        // float16 rounding: 0.1 → 0.0999755859375 (nearest binary16), 70000 → inf (above 65504).
        #expect(half.tensors["t"]!.scalars == [1.0, -2.5, 0.0999755859375, .infinity])
        let double = try SafeTensors.decode(SafeTensors.encode(["t": t], dtype: .float64))
        #expect(double.dtypes["t"] == .float64)
        #expect(double.tensors["t"]!.scalars == t.scalars)   // float32 → float64 → float32 is exact
    }

    /// A file whose header is `json` and whose data is `data`.
    static func file(_ json: String, data: [UInt8]) -> [UInt8] {
        let header = Array(json.utf8)
        return withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header + data
    }

    @Test func readsIntegerAndBFloat16Tensors() throws {
        let bytes = Self.file(#"{"i":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"h":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]}}"#,
                              data: [0xFF, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0, 0xC0, 0x3F])
        let file = try SafeTensors.decode(bytes)
        #expect(file.tensors["i"]!.scalars == [-1, 7])
        #expect(file.tensors["h"]!.scalars == [1.5])   // bf16 0x3FC0 = the top half of float32 1.5
        #expect(file.tensors.names == ["i", "h"])
    }

    @Test func rejectsHugeHeaderLengthWithoutAllocating() {
        let bytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, UInt8(ascii: "{")]
        let error = F.formatError { _ = try SafeTensors.decode(bytes, file: "big.safetensors") }
        #expect(error?.reason == .tooLarge)
        #expect(error?.description.hasPrefix("big.safetensors: the header length") == true)
    }

    @Test func rejectsHeaderLongerThanTheFile() {
        let bytes: [UInt8] = [100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8)
        #expect(F.formatError { _ = try SafeTensors.decode(bytes) }?.reason == .truncated)
    }

    @Test(arguments: [
        "{", "{\"a\": }", "[1, 2]", "{\"a\": {\"dtype\": \"F32\"}}", "{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 0]}}",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", "{\"__metadata__\": {\"k\": 1}}",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [99999999999999999999], \"data_offsets\": [0, 4]}}",
    ])
    func rejectsMalformedHeaders(json: String) {
        let error = F.formatError { _ = try SafeTensors.decode(Self.file(json, data: [0, 0, 0, 0])) }
        #expect(error?.reason == .malformedHeader)
    }

    @Test func rejectsDeeplyNestedJSONWithoutRecursingForever() {
        let json = "{\"__metadata__\": " + String(repeating: "[", count: 100_000) + "}"
        #expect(F.formatError { _ = try SafeTensors.decode(Self.file(json, data: [])) }?.reason == .malformedHeader)
    }

    @Test func rejectsOffsetsPastTheEnd() {
        let bytes = Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0])
        let error = F.formatError { _ = try SafeTensors.decode(bytes, file: "m.safetensors") }
        #expect(error?.reason == .offsetsOutOfRange)
        #expect(error?.description == "m.safetensors: tensor 'a' has data_offsets [0, 8] past the end of the data (4 bytes)")
    }

    @Test func rejectsOverlappingTensors() {
        let bytes = Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                              data: [UInt8](repeating: 0, count: 8))
        let error = F.formatError { _ = try SafeTensors.decode(bytes) }
        #expect(error?.reason == .badLayout)
        #expect(error?.detail.contains("overlaps") == true)
    }

    @Test func rejectsGapsAndTrailingBytes() {
        let gap = Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(F.formatError { _ = try SafeTensors.decode(gap) }?.reason == .badLayout)
        let trailing = Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(F.formatError { _ = try SafeTensors.decode(trailing) }?.reason == .badLayout)
    }

    @Test func rejectsShapeThatDisagreesWithOffsets() {
        let bytes = Self.file(#"{"W1":{"dtype":"F32","shape":[784,50],"data_offsets":[0,1000]}}"#, data: [UInt8](repeating: 0, count: 1000))
        let error = F.formatError { _ = try SafeTensors.decode(bytes, file: "model.safetensors") }
        #expect(error?.reason == .sizeMismatch)
        #expect(error?.description ==
                "model.safetensors: tensor 'W1' declares shape [784, 50] (156800 bytes as F32) but its offsets span 1000 bytes")
    }

    @Test func rejectsUnknownDTypeAndDuplicateNames() {
        let c64 = Self.file(#"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(F.formatError { _ = try SafeTensors.decode(c64) }?.reason == .unsupportedDType)
        let twice = Self.file(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#, data: [1, 2])
        #expect(F.formatError { _ = try SafeTensors.decode(twice) }?.reason == .duplicateName)
    }

    @Test func emptyFileAndDirectoryGiveSpecificErrors() throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        let empty = dir.appendingPathComponent("empty.safetensors")
        try Data().write(to: empty)
        #expect(F.formatError { _ = try SafeTensors.read(from: empty) }?.reason == .empty)
        #expect(F.formatError { _ = try SafeTensors.read(from: dir) }?.reason == .isDirectory)
        #expect(F.formatError { _ = try SafeTensors.read(from: dir.appendingPathComponent("missing.safetensors")) }?.reason == .fileNotFound)
    }

    @Test func writeAndReadAFile() throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try SafeTensors.write(F.sample, metadata: ["k": "v"], to: url)
        let file = try SafeTensors.read(from: url)
        #expect(F.identical(file.tensors, F.sample))
        #expect(file.metadata == ["k": "v"])
    }
}
