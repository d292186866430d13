import Foundation
import Kiso
import Testing
import KisoAutograd

@Suite struct GraphTests {
    @Test func tanhDerivativeGraphsHaveDeZerosNodeCounts() {
        // Unique variables + functions of DeZero 0.0.13's get_dot_graph for orders 1…6.
        let dezero = [11, 22, 48, 110, 268, 690]
        for (i, expected) in dezero.enumerated() {
            #expect(DotGraph(of: TanhGraph.derivative(order: i + 1), verbose: false).nodeCount == expected, "order \(i + 1)")
        }
    }

    @Test func tanhSixthDerivativeHasTheClosedFormValue() {
        // DeZero (float64): the 6th derivative of tanh at 1 is 13.624075441312101.
        let value = TanhGraph.derivative(order: 6).data.scalar
        #expect(abs(value - 13.624075) < 1e-3)
    }

    @Test func dotTextNamesVariablesAndFunctions() {
        let x = Variable(Tensor([1, 2]), name: "x")
        let y = exp(x) + x
        y.name = "y"
        let graph = DotGraph(of: y)
        #expect(graph.variableCount == 3 && graph.functionCount == 2)
        #expect(graph.text.hasPrefix("digraph g {"))
        #expect(graph.text.contains("label=\"x: [2] float32\", color=orange"))
        #expect(graph.text.contains("label=\"Exp\", color=lightblue, style=filled, shape=box"))
    }

    @Test func writesDotAndRendersSVGOnlyWhenGraphvizIsPresent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-dot-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = try DotGraph(of: tanh(Variable(1))).write(to: folder.appendingPathComponent("g.dot"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("g.dot").path))
        #expect((svg != nil) == (DotGraph.graphvizExecutable() != nil))
        if let svg { #expect(try String(contentsOf: svg, encoding: .utf8).contains("<svg")) }
    }
}

@Suite struct MemoryTests {
    /// The process's peak resident set size, in bytes.
    static func peakRSS() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Int(usage.ru_maxrss) * 1024   // kilobytes on Linux
    }

    @Test func aLongNoGradLoopKeepsPeakMemoryFlat() {
        // 4000 steps on a 64×64 tensor: a graph kept alive would hold 2 tensors of 16 KiB
        // per step, 128 MiB in all; without one, only the current values live.
        var y = Variable(Tensor.ones([64, 64]))
        let before = Self.peakRSS()
        withNoGrad {
            for _ in 0..<4000 { y = tanh(y) * 0.5 }
        }
        let growth = Self.peakRSS() - before
        #expect(y.creator == nil)
        #expect(growth < 32 << 20, "peak RSS grew by \(growth >> 20) MiB")
    }

    @Test func noGradResultsHaveNoCreatorAndIntermediatesAreFreed() {
        weak var intermediate: Variable?
        let x = Variable(Tensor.ones([3]))
        let y: Variable = withNoGrad {
            let a = x * 2
            intermediate = a
            return a + 1
        }
        #expect(y.creator == nil && intermediate == nil)
        weak var recorded: Variable?
        let z: Variable = {
            let a = x * 2
            recorded = a
            return a + 1
        }()
        #expect(z.creator != nil && recorded != nil)   // the graph keeps it for backward
    }

    @Test func droppingTheOutputFreesTheGraph() {
        weak var function: Function?
        weak var intermediate: Variable?
        do {
            let x = Variable(Tensor.ones([3]))
            let a = exp(x)
            intermediate = a
            let y = a * a
            function = y.creator
            #expect(function != nil)
        }
        #expect(function == nil && intermediate == nil)
    }
}
