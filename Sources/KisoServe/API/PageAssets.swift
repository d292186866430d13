import Foundation

/// The page's files (HTML, CSS, JavaScript), read once from the package's resources.
struct PageAssets: Sendable {
    /// One file: its bytes and media type.
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// The files by URL path (`/`, `/app.js`, `/style.css`).
    let files: [String: File]

    /// The files served, by URL path, and the resource each comes from.
    static let catalog: [(path: String, resource: String, contentType: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/style.css", "style.css", "text/css; charset=utf-8"),
    ]

    /// Reads the files from the resource bundle `Kiso_KisoServe.resources` that SwiftPM puts
    /// beside the executable (or the test bundle).
    /// - Throws: ``ServeError`` when the bundle or a file is missing.
    static func load() throws -> PageAssets {
        let name = "Kiso_KisoServe.resources"
        var candidates = [Bundle.main.bundleURL.appendingPathComponent(name)]
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(name))
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
        }
        let fileManager = FileManager.default
        guard let folder = candidates.lazy.map({ $0.appendingPathComponent("Page") })
            .first(where: { fileManager.fileExists(atPath: $0.path) }) else {
            throw ServeError(.internalServerError, "the page's files (\(name)) are not beside the executable")
        }
        var files: [String: File] = [:]
        for entry in catalog {
            let url = folder.appendingPathComponent(entry.resource)
            guard let data = fileManager.contents(atPath: url.path) else {
                throw ServeError(.internalServerError, "the page's file \(url.path) cannot be read")
            }
            files[entry.path] = File(bytes: Array(data), contentType: entry.contentType)
        }
        return PageAssets(files: files)
    }
}
