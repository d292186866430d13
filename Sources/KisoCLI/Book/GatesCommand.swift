import ArgumentParser
import KisoNN

/// `kiso gates`: chapter 2's perceptrons AND, NAND, OR and the two-layer XOR.
public struct GatesCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gates",
        abstract: "Chapter 2: the AND, NAND and OR perceptrons and XOR built from them, with their truth tables."
    )

    @OptionGroup var output: OutputOptions

    public init() {}

    public func execute(_ console: Console) throws {
        output.configure(console)
        let gates: [(name: String, rule: String, gate: (Int, Int) -> Int)] = [
            ("AND", Self.rule(Perceptron.and), AND),
            ("NAND", Self.rule(Perceptron.nand), NAND),
            ("OR", Self.rule(Perceptron.or), OR),
            ("XOR", "AND(NAND(x1, x2), OR(x1, x2)), a two-layer perceptron", XOR),
        ]
        var summary = JSONSummary()
        for (name, rule, gate) in gates {
            console.line("\(name): \(rule)")
            console.line("  x1 x2 | y")
            let table = Perceptron.truthTable(gate)
            for (row, (x1, x2)) in [(0, 0), (1, 0), (0, 1), (1, 1)].enumerated() {
                console.line("   \(x1)  \(x2) | \(table[row])")
            }
            summary[name] = table
        }
        if output.json { console.line(summary.render()) }
    }

    /// "y = 1 if 0.5·x1 + 0.5·x2 − 0.7 > 0" for a perceptron's weights and bias.
    static func rule(_ p: Perceptron) -> String {
        func term(_ value: Double, _ name: String, first: Bool) -> String {
            let magnitude = Swift.abs(value)
            let text = name.isEmpty ? "\(magnitude)" : "\(magnitude)·\(name)"
            if first { return value < 0 ? "−" + text : text }
            return (value < 0 ? " − " : " + ") + text
        }
        let sum = term(p.weights.0, "x1", first: true) + term(p.weights.1, "x2", first: false) + term(p.bias, "", first: false)
        return "y = 1 if \(sum) > 0, else 0"
    }
}
