import ArgumentParser
import Foundation
import KisoData

/// `kiso data`: find, download and check the data sets.
public struct DataCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Download the data sets and show where they were found.",
        subcommands: [DataFetchCommand.self, DataInfoCommand.self]
    )

    public init() {}
}

/// `kiso data fetch mnist|fashion-mnist`: makes all four files of a data set available.
public struct DataFetchCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Find a data set's four files, downloading the missing ones into the user cache (SHA-256 checked).",
        discussion: "Searches --data, then $KISO_DATA, the user cache (~/.cache/kiso) and the system package before downloading."
    )

    /// The data set to fetch.
    @Argument(help: "mnist or fashion-mnist.")
    var dataset: DatasetName

    /// A folder searched first.
    @Option(help: ArgumentHelp("Folder searched first for the files.", valueName: "dir"))
    var data: String?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    public init() {}

    public func execute(_ console: Console) throws {
        if quiet { console.quiet = true }
        var options = DatasetOptions()
        options.data = data
        let name = dataset
        let locator = options.locator(console: console)
        for split in DatasetSplit.allCases {
            let files = name.files(for: split)
            for file in [files.images, files.labels] {
                do {
                    let url = try locator.locate(file, of: name)
                    console.line("\(file.name): \(url.path)")
                } catch {
                    throw KisoError(oneLine(error))
                }
            }
        }
        console.line("\(name) is ready.")
    }
}

/// `kiso data info`: where each file was found, its size, SHA-256 and contents.
public struct DataInfoCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show where each data set file was found, its size, SHA-256 and number of examples (never downloads)."
    )

    @OptionGroup var datasetOptions: DatasetOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func execute(_ console: Console) throws {
        output.configure(console)
        let names = datasetOptions.dataset.map { [$0] } ?? DatasetName.allCases
        let locator = datasetOptions.locator(console: console, allowDownload: false)
        var report: [String: Any] = [:]
        for name in names {
            console.line("\(name) (\(name.directoryName))")
            var entries: [[String: Any]] = []
            for split in DatasetSplit.allCases {
                let files = name.files(for: split)
                for file in [files.images, files.labels] {
                    entries.append(describe(file, of: name, locator: locator, console: console))
                }
            }
            report[name.directoryName] = entries
        }
        console.line("Searched: --data, $KISO_DATA/<name>, \(locator.cacheRoot.path)/<name>, system package folders.")
        if output.json {
            var summary = JSONSummary()
            for (key, value) in report { summary[key] = value }
            console.line(summary.render())
        }
    }

    private func describe(_ file: RemoteFile, of name: DatasetName, locator: DatasetLocator,
                          console: Console) -> [String: Any] {
        guard let url = try? locator.locate(file, of: name) else {
            console.line("  \(file.name): not found")
            return ["file": file.name, "found": false]
        }
        let bytes = (try? Data(contentsOf: url)) ?? Data()
        let digest = SHA256.hash(bytes).hex
        let verdict = digest == file.sha256
            ? "matches the published SHA-256"
            : (url.pathExtension == "gz" ? "differs from the published .gz (a recompressed copy)" : "decompressed copy")
        var count: Int?
        if let idx = try? IDX.parse(Zlib.isGzip(bytes) ? Data(Zlib.gunzip(bytes)) : bytes) { count = idx.shape.first }
        let examples = count.map { "\($0) examples" } ?? "unreadable IDX"
        console.line("  \(file.name): \(url.path)")
        console.line("    \(bytes.count) bytes, \(examples), sha256 \(digest) (\(verdict))")
        var entry: [String: Any] = ["file": file.name, "found": true, "path": url.path, "bytes": bytes.count,
                                    "sha256": digest, "matches_published": digest == file.sha256]
        if let count { entry["examples"] = count }
        return entry
    }
}
