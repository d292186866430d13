import Foundation
import Kiso

/// Hugging Face's safetensors format: an 8-byte little-endian header length `N`, `N` bytes
/// of JSON (`{"W1": {"dtype": "F32", "shape": [784, 50], "data_offsets": [0, 156800]}, …,
/// "__metadata__": {"key": "value"}}`), then the tensors' bytes, little-endian, row-major.
///
/// Reading enforces the format's safety rules before allocating anything: header at most
/// 100 MB, offsets inside the data, tensors contiguous and non-overlapping and covering the
/// data exactly, dtype × shape = byte length. Every type is converted to float32.
///
/// ```swift
/// try SafeTensors.write(["W1": w1, "b1": b1], metadata: ["kiso.model": "TwoLayerNet"], to: url)
/// let file = try SafeTensors.read(from: url)   // file.tensors["W1"], file.metadata
/// ```
public enum SafeTensors {
    /// The largest header Kiso reads (the reference implementation's limit).
    public static let maxHeaderSize = 100_000_000

    /// Reads the safetensors file at `url`.
    /// - Throws: `FileFormatError` naming the file and the rule it breaks.
    public static func read(from url: URL) throws -> TensorFile {
        try decode(FileIO.read(url), file: url.lastPathComponent)
    }

    /// Parses safetensors bytes; `file` names them in errors.
    /// - Throws: `FileFormatError` for any malformed or unsafe layout.
    public static func decode(_ bytes: [UInt8], file: String = "safetensors data") throws -> TensorFile {
        guard !bytes.isEmpty else { throw FileFormatError(.empty, "the file is empty", file: file) }
        var reader = ByteReader(bytes, file: file)
        let declared = try reader.u64("the 8-byte header length")
        guard declared <= UInt64(maxHeaderSize) else {
            throw FileFormatError(.tooLarge, "the header length \(declared) exceeds the limit of \(maxHeaderSize) bytes", file: file)
        }
        let headerSize = Int(declared)
        guard headerSize <= reader.remaining else {
            throw FileFormatError(.truncated, "the header declares \(headerSize) bytes but only \(reader.remaining) follow the length field", file: file)
        }
        let headerBytes = try reader.take(headerSize, "the header")
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw FileFormatError(.malformedHeader, "the header does not start with '{' (not a safetensors file?)", file: file)
        }
        let header: JSON
        do { header = try JSON.parse(headerBytes) } catch {
            throw FileFormatError(.malformedHeader, "the header is not valid JSON: \(error)", file: file)
        }
        guard case let .object(members) = header else {
            throw FileFormatError(.malformedHeader, "the header is not a JSON object", file: file)
        }
        let dataStart = reader.offset
        let dataLength = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        var seen = Set<String>()
        for (name, value) in members {
            guard seen.insert(name).inserted else {
                throw FileFormatError(.duplicateName, "the header names '\(printable(name))' twice", file: file)
            }
            if name == "__metadata__" {
                metadata = try parseMetadata(value, file: file)
            } else {
                entries.append(try parseEntry(name, value, file: file))
            }
        }
        try checkLayout(entries, dataLength: dataLength, file: file)

        var tensors = NamedTensors()
        var dtypes: [String: DType] = [:]
        bytes.withUnsafeBytes { raw in
            for e in entries.sorted(by: { $0.begin < $1.begin }) {
                let slice = UnsafeRawBufferPointer(rebasing: raw[(dataStart + e.begin)..<(dataStart + e.end)])
                tensors[e.name] = e.dtype.decode(slice, shape: e.shape)
                dtypes[e.name] = e.dtype
            }
        }
        return TensorFile(tensors: tensors, metadata: metadata, dtypes: dtypes)
    }

    /// Writes `tensors` (in their order) and `metadata` to `url` atomically (a temporary
    /// file in the same folder, then a rename), storing elements as `dtype`.
    /// - Throws: `FileFormatError(.ioError)` when the file cannot be written.
    /// - Precondition: `dtype` is float16, float32 or float64; no tensor is named `__metadata__`.
    public static func write(_ tensors: NamedTensors, metadata: [String: String] = [:],
                             dtype: DType = .float32, to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata, dtype: dtype), to: url)
    }

    /// The bytes of a safetensors file holding `tensors` and `metadata` (keys sorted). The
    /// header is padded with spaces so the data starts at a multiple of 8 bytes.
    public static func encode(_ tensors: NamedTensors, metadata: [String: String] = [:], dtype: DType = .float32) -> [UInt8] {
        kisoPrecondition(dtype.isWritable, "SafeTensors.encode: Kiso writes F16, F32 or F64, not \(dtype.safetensorsName)")
        var members: [(String, JSON)] = []
        if !metadata.isEmpty {
            members.append(("__metadata__", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        var payloads: [[UInt8]] = []
        for (name, tensor) in tensors {
            kisoPrecondition(name != "__metadata__", "SafeTensors.encode: a tensor may not be named __metadata__")
            let data = dtype.encode(tensor)
            members.append((name, .object([
                ("dtype", .string(dtype.safetensorsName)),
                ("shape", .array(tensor.shape.map { .number(String($0)) })),
                ("data_offsets", .array([.number(String(offset)), .number(String(offset + data.count))])),
            ])))
            offset += data.count
            payloads.append(data)
        }
        var header = Array(JSON.object(members).text.utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out += header
        for p in payloads { out += p }
        return out
    }

    private struct Entry {
        let name: String
        let dtype: DType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    private static func parseMetadata(_ value: JSON, file: String) throws -> [String: String] {
        guard case let .object(pairs) = value else {
            throw FileFormatError(.malformedHeader, "__metadata__ is not an object of strings", file: file)
        }
        var metadata: [String: String] = [:]
        for (key, v) in pairs {
            guard case let .string(s) = v else {
                throw FileFormatError(.malformedHeader, "__metadata__ entry '\(printable(key))' is not a string", file: file)
            }
            metadata[key] = s
        }
        return metadata
    }

    private static func parseEntry(_ name: String, _ value: JSON, file: String) throws -> Entry {
        func malformed(_ what: String) -> FileFormatError {
            FileFormatError(.malformedHeader, "tensor '\(printable(name))' \(what)", file: file)
        }
        guard case let .object(fields) = value else { throw malformed("is not described by an object") }
        func field(_ key: String) throws -> JSON {
            guard let v = fields.first(where: { $0.0 == key })?.1 else { throw malformed("has no \"\(key)\"") }
            return v
        }
        guard case let .string(dtypeName) = try field("dtype") else { throw malformed("has a dtype that is not a string") }
        guard let dtype = DType(safetensorsName: dtypeName) else {
            throw FileFormatError(.unsupportedDType,
                                  "tensor '\(printable(name))' has dtype \(printable(dtypeName)), which Kiso does not read (it reads \(DType.supportedSafetensorsNames))",
                                  file: file)
        }
        guard case let .array(dims) = try field("shape") else { throw malformed("has a shape that is not an array") }
        let shape = dims.map { $0.int ?? -1 }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw malformed("has a shape that is not a list of non-negative integers") }
        guard case let .array(offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].int, let end = offsets[1].int, begin >= 0, begin <= end else {
            throw malformed("has data_offsets that are not two integers [begin, end] with 0 ≤ begin ≤ end")
        }
        let span = end - begin
        guard let expected = ShapeArithmetic.byteCount(shape, itemSize: dtype.byteSize) else {
            throw FileFormatError(.sizeMismatch, "tensor '\(printable(name))' declares shape \(shape), whose size overflows", file: file)
        }
        guard expected == span else {
            throw FileFormatError(.sizeMismatch,
                                  "tensor '\(printable(name))' declares shape \(shape) (\(expected) bytes as \(printable(dtypeName))) but its offsets span \(span) bytes",
                                  file: file)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The data must be tiled exactly: sorted by offset, each tensor starts where the previous
    /// one ended, and the last ends at the end of the file.
    private static func checkLayout(_ entries: [Entry], dataLength: Int, file: String) throws {
        var cursor = 0
        var previous: Entry?
        for e in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard e.end <= dataLength else {
                throw FileFormatError(.offsetsOutOfRange,
                                      "tensor '\(printable(e.name))' has data_offsets [\(e.begin), \(e.end)] past the end of the data (\(dataLength) bytes)",
                                      file: file)
            }
            if e.begin < cursor, let p = previous {
                throw FileFormatError(.badLayout,
                                      "tensor '\(printable(e.name))' [\(e.begin), \(e.end)] overlaps tensor '\(printable(p.name))' [\(p.begin), \(p.end)]",
                                      file: file)
            }
            if e.begin > cursor {
                throw FileFormatError(.badLayout, "\(e.begin - cursor) unused bytes lie before tensor '\(printable(e.name))' (at offset \(cursor))", file: file)
            }
            cursor = e.end
            previous = e
        }
        guard cursor == dataLength else {
            throw FileFormatError(.badLayout, "\(dataLength - cursor) bytes after the last tensor belong to no tensor", file: file)
        }
    }
}
