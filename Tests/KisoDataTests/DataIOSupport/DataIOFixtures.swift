import Foundation
import KisoData

/// Paths and temporary folders for the data-set tests.
enum DataIOFixtures {
    /// `../shared/data` beside the package root (found from this file's path), or `$KISO_SHARED_DATA`.
    static let sharedData: URL? = {
        if let env = ProcessInfo.processInfo.environment["KISO_SHARED_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                let shared = dir.deletingLastPathComponent().appendingPathComponent("shared/data", isDirectory: true)
                return FileManager.default.fileExists(atPath: shared.path) ? shared : nil
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    static func hasShared(_ relative: String) -> Bool {
        guard let sharedData else { return false }
        return FileManager.default.fileExists(atPath: sharedData.appendingPathComponent(relative).path)
    }

    /// A fresh empty directory, removed by `cleanUp`.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-data-io-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// A locator that never downloads and sees no environment, caching into `cache`.
    static func offlineLocator(data: URL?, cache: URL, environment: [String: String] = [:]) -> DatasetLocator {
        DatasetLocator(dataDirectory: data, environment: environment, cacheRoot: cache,
                       searchesSystemDirectories: false, downloader: nil)
    }

    /// A small IDX image file: `n` images 28×28 whose pixel (i, p) is (i + p) mod 256.
    static func idxImages(_ n: Int, side: Int = 28) -> [UInt8] {
        IDX.encode(elementType: .uint8, shape: [n, side, side],
                   payload: (0..<n * side * side).map { UInt8(truncatingIfNeeded: $0 / (side * side) + $0 % (side * side)) })
    }

    /// A small IDX label file with the given labels.
    static func idxLabels(_ labels: [UInt8]) -> [UInt8] {
        IDX.encode(elementType: .uint8, shape: [labels.count], payload: labels)
    }

    static func write(_ bytes: [UInt8], to url: URL) {
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: url)
    }
}
