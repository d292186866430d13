import ArgumentParser
import Foundation
import KisoData

/// `--dataset` and `--data`: which data set to read and where to look for it first.
public struct DatasetOptions: ParsableArguments {
    /// The data set; commands choose a default when it is not given.
    @Option(help: "The data set: mnist or fashion-mnist (default: told by the files' checksums).")
    var dataset: DatasetName?

    /// A folder searched first (as `DIR/<name>/` and `DIR/`).
    @Option(help: ArgumentHelp(
        "Folder holding the IDX files; else KISO_DATA, the user cache, the system package, then a download.",
        valueName: "dir"))
    var data: String?

    /// No data set and no folder chosen.
    public init() {}

    /// A locator that searches `--data` first and downloads with a progress bar on `console`
    /// (no downloading when `allowDownload` is false).
    public func locator(console: Console, allowDownload: Bool = true) -> DatasetLocator {
        let directory = data.map { URL(fileURLWithPath: $0, isDirectory: true) }
        guard allowDownload else { return DatasetLocator(dataDirectory: directory, downloader: nil) }
        let bars = DownloadBars(console: console)
        return DatasetLocator(dataDirectory: directory, downloader: Downloader(progress: { bars.report($0) }))
    }

    /// The data set to use: `--dataset` when given; otherwise the one whose `split` files are
    /// on this machine, MNIST first, told apart by the labels file's checksum (the two data sets
    /// share file names, so a folder of Fashion-MNIST files is recognised as such), else MNIST
    /// (to be downloaded).
    /// - Throws: ``KisoError`` when `--dataset` names one data set and the files found are the other's.
    public func resolved(for split: DatasetSplit, console: Console) throws -> DatasetName {
        let local = locator(console: console, allowDownload: false)
        func labels(_ name: DatasetName) -> URL? {
            let files = name.files(for: split)
            guard (try? local.locate(files.images, of: name)) != nil else { return nil }
            return try? local.locate(files.labels, of: name)
        }
        if let dataset {
            if let url = labels(dataset), let actual = DatasetName.identify(labelsAt: url, split: split), actual != dataset {
                throw KisoError("--dataset \(dataset.rawValue), but \(url.deletingLastPathComponent().path) holds \(actual)'s files")
            }
            return dataset
        }
        for name in [DatasetName.mnist, .fashionMNIST] {
            guard let url = labels(name) else { continue }
            let actual = DatasetName.identify(labelsAt: url, split: split) ?? name
            if actual == .fashionMNIST {
                console.info("Using Fashion-MNIST, found in \(url.deletingLastPathComponent().path) (--dataset mnist chooses MNIST).")
            }
            return actual
        }
        return .mnist
    }

    /// Loads `split` of `dataset` (images `[N, 784]` when `flatten`, else `[N, 1, 28, 28]`;
    /// pixels in 0…1; labels as class indices), keeping the first `limit` examples when given.
    /// - Throws: ``KisoError`` with the data set's one-line explanation of what is missing.
    public func load(_ dataset: DatasetName, split: DatasetSplit, flatten: Bool, limit: Int? = nil,
                     console: Console) throws -> LabeledImages {
        try loadBytes(dataset, split: split, flatten: flatten, limit: limit, console: console).floats()
    }

    /// `load` keeping the images as bytes (a quarter of the memory): images `[N, 784]` when
    /// `flatten`, else `[N, 1, 28, 28]`, read as 0…1; labels as class indices; the first `limit`
    /// examples when given.
    /// - Throws: ``KisoError`` with the data set's one-line explanation of what is missing.
    public func loadBytes(_ dataset: DatasetName, split: DatasetSplit, flatten: Bool, limit: Int? = nil,
                          console: Console) throws -> LabeledByteImages {
        do {
            let set = try MNIST.loadBytes(dataset, split: split, flatten: flatten, locator: locator(console: console))
            return limit.map { set.prefix($0) } ?? set
        } catch {
            throw KisoError(oneLine(error))
        }
    }
}

/// A data-set error as one line: `notFound`'s list of places becomes a `;`-separated list.
func oneLine(_ error: DatasetError) -> String {
    if case let .notFound(dataset, file, searched, downloads, fix) = error {
        var text = "\(dataset) file \(file) was not found (looked in \(searched.joined(separator: "; "))"
        text += downloads.isEmpty ? "; downloading was not tried)" : "; download failed: \(downloads.joined(separator: "; ")))"
        return text + ". To fix: " + fix
    }
    return error.description.split(separator: "\n").joined(separator: " ")
}

/// One progress bar per downloaded file.
final class DownloadBars: @unchecked Sendable {
    private let console: Console
    private let lock = NSLock()
    private var current: (file: String, bar: ProgressBar)?

    init(console: Console) { self.console = console }

    func report(_ progress: DownloadProgress) {
        let bar: ProgressBar = lock.withLock {
            if let current, current.file == progress.file { return current.bar }
            current?.bar.finish()
            let bar = ProgressBar(console: console, label: "downloading \(progress.file)",
                                  total: max(progress.total ?? 1, 1), countsBytes: true)
            current = (progress.file, bar)
            return bar
        }
        bar.update(progress.received)
        if let total = progress.total, progress.received >= total { bar.finish() }
    }
}
