import Foundation
import Kiso

/// The computation graph that produced a variable, in Graphviz's DOT language (DeZero's
/// `get_dot_graph` / `plot_dot_graph`, step 26): variables are orange ovals, functions
/// light-blue boxes, and edges run from inputs to functions to outputs.
public struct DotGraph {
    /// The DOT text, `digraph g { … }`.
    public let text: String
    /// The number of variables in the graph.
    public let variableCount: Int
    /// The number of functions in the graph.
    public let functionCount: Int

    /// Variables and functions together (DeZero's graph of tanh's 6th derivative has 690).
    public var nodeCount: Int { variableCount + functionCount }

    /// The graph of everything `output` was computed from. `verbose` adds each variable's
    /// shape and type to its label.
    public init(of output: Variable, verbose: Bool = true) {
        var ids: [ObjectIdentifier: Int] = [:]
        func id(_ object: AnyObject) -> Int {
            let key = ObjectIdentifier(object)
            if let known = ids[key] { return known }
            ids[key] = ids.count + 1
            return ids.count
        }
        var lines: [String] = []
        var drawnVariables: Set<ObjectIdentifier> = []
        func drawVariable(_ v: Variable) {
            guard drawnVariables.insert(ObjectIdentifier(v)).inserted else { return }
            var label = v.name ?? ""
            if verbose { label += (v.name == nil ? "" : ": ") + "\(v.shape) float32" }
            lines.append("\(id(v)) [label=\"\(label)\", color=orange, style=filled]")
        }
        var pending: [Function] = []
        var seen: Set<ObjectIdentifier> = []
        func schedule(_ f: Function?) {
            guard let f, seen.insert(ObjectIdentifier(f)).inserted else { return }
            pending.append(f)
        }
        schedule(output.creator)
        drawVariable(output)
        while let f = pending.popLast() {
            lines.append("\(id(f)) [label=\"\(f.name)\", color=lightblue, style=filled, shape=box]")
            for x in f.inputs { lines.append("\(id(x)) -> \(id(f))") }
            for y in f.outputs { lines.append("\(id(f)) -> \(id(y))") }
            for x in f.inputs {
                drawVariable(x)
                schedule(x.creator)
            }
        }
        text = "digraph g {\n" + lines.joined(separator: "\n") + "\n}\n"
        variableCount = drawnVariables.count
        functionCount = seen.count
    }

    /// Writes the DOT text to `url` (atomically) and, when Graphviz's `dot` is on the PATH,
    /// renders it as SVG beside it (same name, `.svg`).
    /// - Returns: the SVG file written, or nil when `dot` is not installed.
    /// - Throws: when a file cannot be written or `dot` fails.
    @discardableResult
    public func write(to url: URL) throws -> URL? {
        try Data(text.utf8).write(to: url, options: .atomic)
        guard let dot = Self.graphvizExecutable() else { return nil }
        let svg = url.deletingPathExtension().appendingPathExtension("svg")
        let temporary = svg.deletingLastPathComponent().appendingPathComponent(".\(svg.lastPathComponent).tmp")
        let process = Process()
        process.executableURL = dot
        process.arguments = ["-Tsvg", url.path, "-o", temporary.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw DotGraphError(description: "Graphviz's dot failed on \(url.lastPathComponent) (status \(process.terminationStatus))")
        }
        guard rename(temporary.path, svg.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw DotGraphError(description: "cannot write \(svg.path)")
        }
        return svg
    }

    /// Graphviz's `dot` found on the PATH, or nil.
    public static func graphvizExecutable() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("dot") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}

/// Graphviz could not render a graph.
public struct DotGraphError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
}
