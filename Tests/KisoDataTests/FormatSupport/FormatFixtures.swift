import Foundation
import Kiso
import KisoData
import Testing

/// Paths, temporary folders and byte helpers for the model-file tests.
enum FormatFixtures {
    /// `../shared/data` beside the package root, or `$KISO_SHARED_DATA` (see ``DataIOFixtures``).
    static var sharedData: URL? { DataIOFixtures.sharedData }

    /// The shared file at `relative` (e.g. `book-weights/sample_weight.pkl`), when present.
    static func shared(_ relative: String) -> URL? {
        guard let url = sharedData?.appendingPathComponent(relative),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// A fresh empty directory; remove it with `cleanUp`.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-formats-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// Bytes from a hex string (test vectors generated with Python).
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// The `FileFormatError` thrown by `body`, recorded as an issue when it throws nothing or something else.
    static func formatError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> FileFormatError? {
        do {
            try body()
            Issue.record("expected a FileFormatError, but nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as FileFormatError {
            return error
        } catch {
            Issue.record("expected a FileFormatError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// A small set of tensors covering 0-d, 1-d, 2-d and 4-d shapes and awkward values.
    static let sample: NamedTensors = [
        "W1": Tensor(shape: [2, 3], scalars: [0.25, -1.5, 3.0e-8, 65504, -0.0, 1 / 3]),
        "b1": Tensor([0.1, 0.2, 0.3]),
        "scale": Tensor(2.5),
        "filters": Tensor(shape: [2, 1, 2, 2], scalars: (0..<8).map { Float($0) * 0.125 - 0.5 }),
        "empty": Tensor(shape: [0, 4], scalars: []),
    ]

    /// Whether two tensor collections hold the same names in the same order with identical shapes and values.
    static func identical(_ a: NamedTensors, _ b: NamedTensors) -> Bool {
        a.names == b.names && zip(a, b).allSatisfy { $0.tensor.shape == $1.tensor.shape && $0.tensor.scalars == $1.tensor.scalars }
    }
}
