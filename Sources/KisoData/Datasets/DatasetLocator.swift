import Foundation

/// Finds a data set's files, in this order:
/// 1. the directory given on the command line (`--data DIR`) or to the API,
/// 2. `$KISO_DATA/<name>` (a folder holding one folder per data set),
/// 3. the user cache, `~/.cache/kiso/<name>` (`$XDG_CACHE_HOME/kiso/<name>`; on macOS
///    `~/Library/Caches/kiso/<name>`),
/// 4. where a system package installs them (Debian's `dataset-fashion-mnist`:
///    `/usr/share/datasets/fashion-mnist`),
/// 5. otherwise it downloads them from the data set's mirrors into the user cache (unless
///    `downloader` is nil or `KISO_OFFLINE` is set).
///
/// Each file is looked up on its own, so a split loads when another split's files are absent.
/// `<name>` is `DatasetName.directoryName` (`mnist`, `fashion-mnist`); a file may be stored
/// gzip-compressed (`….gz`, as published) or decompressed (without `.gz`).
public struct DatasetLocator: Sendable {
    /// The directory given explicitly; searched as `DIR/<name>/` and then `DIR/` itself.
    public var dataDirectory: URL?
    /// The environment read for `KISO_DATA` and `KISO_OFFLINE`.
    public var environment: [String: String]
    /// The cache root; data sets go in `<cacheRoot>/<name>/`.
    public var cacheRoot: URL
    /// Whether to search the system package locations (`DatasetName.systemDirectories`).
    public var searchesSystemDirectories: Bool
    /// Fetches missing files into the cache; nil never downloads.
    public var downloader: Downloader?

    /// A locator with the given explicit directory; the other places come from `environment`.
    public init(dataDirectory: URL? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                cacheRoot: URL? = nil,
                searchesSystemDirectories: Bool = true,
                downloader: Downloader? = Downloader()) {
        self.dataDirectory = dataDirectory
        self.environment = environment
        self.cacheRoot = cacheRoot ?? Self.defaultCacheRoot(environment: environment)
        self.searchesSystemDirectories = searchesSystemDirectories
        self.downloader = downloader
    }

    /// The user cache for Kiso: `$XDG_CACHE_HOME/kiso`, else `~/Library/Caches/kiso` on macOS and
    /// `~/.cache/kiso` elsewhere.
    public static func defaultCacheRoot(environment: [String: String]) -> URL {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("kiso", isDirectory: true)
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        #if os(macOS)
        return home.appendingPathComponent("Library/Caches/kiso", isDirectory: true)
        #else
        return home.appendingPathComponent(".cache/kiso", isDirectory: true)
        #endif
    }

    /// The directory where `dataset` is cached and downloaded to.
    public func cacheDirectory(for dataset: DatasetName) -> URL {
        cacheRoot.appendingPathComponent(dataset.directoryName, isDirectory: true)
    }

    /// The directories searched for `dataset`, in order, each with a label saying where it came from.
    public func searchPlaces(for dataset: DatasetName) -> [(label: String, directory: URL?)] {
        var places: [(String, URL?)] = []
        if let dataDirectory {
            places.append(("data directory (--data)", dataDirectory.appendingPathComponent(dataset.directoryName)))
            places.append(("data directory (--data)", dataDirectory))
        }
        if let root = environment["KISO_DATA"], !root.isEmpty {
            places.append(("KISO_DATA", URL(fileURLWithPath: root).appendingPathComponent(dataset.directoryName)))
        } else {
            places.append(("KISO_DATA", nil))
        }
        places.append(("user cache", cacheDirectory(for: dataset)))
        if searchesSystemDirectories {
            for dir in dataset.systemDirectories {
                places.append(("system package", URL(fileURLWithPath: dir, isDirectory: true)))
            }
        }
        return places
    }

    /// True when downloads are allowed: a downloader is set and `KISO_OFFLINE` is unset, empty or "0".
    public var downloadsAllowed: Bool {
        guard downloader != nil else { return false }
        let offline = environment["KISO_OFFLINE"] ?? ""
        return offline.isEmpty || offline == "0"
    }

    /// The path of `file` of `dataset`: the first existing regular file among the search places
    /// (as `name` or `name` without `.gz`), else a fresh download into the cache.
    /// - Throws: `DatasetError.notFound` listing every place tried, each download failure, and the fix.
    public func locate(_ file: RemoteFile, of dataset: DatasetName) throws(DatasetError) -> URL {
        var searched: [String] = []
        let names = file.name.hasSuffix(".gz") ? [file.name, String(file.name.dropLast(3))] : [file.name]
        for (label, directory) in searchPlaces(for: dataset) {
            guard let directory else {
                searched.append("\(label): not set")
                continue
            }
            for name in names {
                let candidate = directory.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate
                }
            }
            searched.append("\(label): \(directory.appendingPathComponent(file.name).path)")
        }
        var downloads: [String] = []
        if downloadsAllowed, let downloader {
            do {
                return try downloader.download(file, from: downloader.mirrors ?? dataset.mirrors,
                                               into: cacheDirectory(for: dataset))
            } catch {
                downloads = error.attemptLines
            }
        }
        var fix = "pass --data DIR (or the API's directory) naming a folder that holds \(file.name), "
            + "or set KISO_DATA to a folder holding \(dataset.directoryName)/\(file.name)"
        if !downloadsAllowed { fix += ", or allow downloading (unset KISO_OFFLINE) to fetch it into \(cacheDirectory(for: dataset).path)" }
        else { fix += ", or connect to the internet and retry: it is downloaded into \(cacheDirectory(for: dataset).path)" }
        if let hint = dataset.systemPackageHint { fix += ", or install the system package (\(hint))" }
        throw .notFound(dataset: dataset, file: file.name, searched: searched, downloads: downloads, fix: fix)
    }
}
