import ArgumentParser
import Foundation
import KisoAutograd

/// `kiso autograd tanh-graph`: the computation graph of tanh's N-th derivative.
public struct TanhGraphCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tanh-graph",
        abstract: "Step 35: the graph of the N-th derivative of tanh, as Graphviz DOT (and SVG when `dot` is installed).",
        discussion: "Writes tanh.dot (and tanh.svg) in --out and prints the number of nodes; DeZero's 6th-order graph has 690."
    )

    @Option(help: "The order of the derivative.")
    var order = 6

    @OptionGroup var figures: FigureOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        if !(1...12).contains(order) { throw ValidationError("--order must be between 1 and 12, got \(order)") }
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        let gx = TanhGraph.derivative(order: order)
        let graph = DotGraph(of: gx, verbose: false)
        let url = try figures.folder().appendingPathComponent("tanh.dot")
        let svg: URL?
        do { svg = try graph.write(to: url) } catch { throw KisoError("cannot write \(url.path): \(error)") }
        console.line("\(gx.name ?? "gx") = \(gx)")
        console.line("\(graph.nodeCount) nodes: \(graph.variableCount) variables, \(graph.functionCount) functions")
        console.line("wrote \(url.path)")
        if let svg { console.line("wrote \(svg.path)") } else {
            console.info("Graphviz's dot is not installed: no SVG (apt-get install graphviz, then dot -Tsvg \(url.path))")
        }
        if output.json {
            var summary = JSONSummary()
            summary["order"] = order
            summary["value"] = gx.data.scalar
            summary["nodes"] = graph.nodeCount
            summary["variables"] = graph.variableCount
            summary["functions"] = graph.functionCount
            console.line(summary.render())
        }
    }
}
