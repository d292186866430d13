import ArgumentParser
import Foundation
import KisoData
import KisoPlot

/// `--out DIR`: the folder a command writes its figures into (created when missing).
public struct FigureOptions: ParsableArguments {
    /// The output folder.
    @Option(help: ArgumentHelp("Folder for the figures (SVG charts, PNG images); created when missing.", valueName: "dir"))
    var out = "figures"

    /// The default folder, `figures`.
    public init() {}

    /// The output folder, created if needed.
    /// - Throws: ``KisoError`` when it cannot be created.
    public func folder() throws -> URL {
        let url = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw KisoError("cannot create the output folder \(out): \(error.localizedDescription)")
        }
        return url
    }

    /// Writes `figure` as `name` (an `.svg` file) in the output folder and says so on `console`.
    /// - Returns: the file written.
    @discardableResult
    public func write(_ figure: Figure, as name: String, console: Console) throws -> URL {
        let url = try folder().appendingPathComponent(name)
        try writeSVG(figure, to: url)
        console.line("wrote \(url.path)")
        return url
    }
}

/// Writes `figure` to `url`, turning a failure into a one-line ``KisoError``.
func writeSVG(_ figure: Figure, to url: URL) throws {
    do {
        try figure.write(to: url)
    } catch {
        throw KisoError("cannot write \(url.path): \(error)")
    }
}
