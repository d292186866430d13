import Foundation
import Testing

@Suite struct BookCommandTests {
    @Test func gatesPrintTheBooksTruthTables() throws {
        let run = runKiso(["gates", "--json"])
        #expect(run.status == 0)
        let summary = try run.jsonSummary()
        #expect(summary["AND"] as? [Int] == [0, 0, 0, 1])
        #expect(summary["NAND"] as? [Int] == [1, 1, 1, 0])
        #expect(summary["OR"] as? [Int] == [0, 1, 1, 1])
        #expect(summary["XOR"] as? [Int] == [0, 1, 1, 0])
    }

    @Test func graphPrintsTheBooksPricesAndDerivatives() {
        let run = runKiso(["graph"])
        #expect(run.status == 0)
        for line in ["price: 220", "dApple: 2.2", "dApple_num: 110", "dTax: 200",
                     "price: 715", "dOrange: 3.3000000000000003", "dOrange_num: 165", "dTax: 650"] {
            #expect(run.standardOutput.contains(line), "missing \(line)")
        }
    }

    @Test func functionsWriteFiveChartsWithTheirCurves() throws {
        let out = temporaryFolder()
        let run = runKiso(["functions", "--out", out.path])
        #expect(run.status == 0)
        let expected = ["step.svg": 1, "sigmoid.svg": 1, "step-sigmoid.svg": 2, "relu.svg": 1, "tanh.svg": 1]
        for (file, series) in expected {
            let svg = try ParsedSVG(contentsOf: out.appendingPathComponent(file))
            #expect(svg.elements(class: "series line").count == series, "\(file)")
        }
    }

    @Test func gradientPrintsTheBooksNumbersAndDrawsThreeFigures() throws {
        let out = temporaryFolder()
        let run = runKiso(["gradient", "--out", out.path])
        #expect(run.status == 0)
        // Book, section 4.3.2 and 4.4: central differences in float64.
        #expect(run.standardOutput.contains("numerical_diff(function_1, 5)  = 0.1999999999990898"))
        #expect(run.standardOutput.contains("numerical_diff(function_1, 10) = 0.2999999999986347"))
        #expect(run.standardOutput.contains("[3. 4.]) = [6. 8.]"))
        #expect(run.standardOutput.contains("= [-6.11110793e-10  8.14814391e-10]"))
        #expect(run.standardOutput.contains("= [-2.58983747e+13 -1.29524862e+12]"))
        #expect(run.standardOutput.contains("= [-2.99999994  3.99999992]"))
        let field = try ParsedSVG(contentsOf: out.appendingPathComponent("gradient-field.svg"))
        #expect(field.elements(class: "series arrows").count == 1)
        let descent = try ParsedSVG(contentsOf: out.appendingPathComponent("gradient-descent.svg"))
        #expect(descent.elements(class: "series line").count == 2)  // the dashed axes
        #expect(descent.elements(class: "series scatter").count == 1)  // the 20 points visited
        let derivative = try ParsedSVG(contentsOf: out.appendingPathComponent("derivative.svg"))
        #expect(derivative.elements(class: "series line").count == 2)
    }

    @Test func convNetGradientCheckCoversEveryParameter() throws {
        let run = runKiso(["gradient-check", "--model", "simple-convnet", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let differences = try #require(try run.jsonSummary()["mean_abs_difference"] as? [String: Double])
        #expect(Set(differences.keys) == ["W1", "b1", "W2", "b2", "W3", "b3"])
        // Same float32 bound as for the fully connected network below, except for b2: the book's
        // init std 0.01 leaves the hidden ReLU's inputs within h of 0, so the central difference
        // straddles the kink and is off by up to the size of b2's gradient itself (~1e-2).
        for (name, difference) in differences where name != "b2" { #expect(difference < 1e-3, "\(name)") }
        #expect(differences["b2"]! < 1e-2)
    }

    @Test func gradientCheckDifferencesAreSmall() throws {
        let data = SyntheticData(trainCount: 10, testCount: 10)
        // Hidden size 5 instead of the book's 50 keeps the 2 × (784·5 + …) loss evaluations fast.
        let run = runKiso(["gradient-check", "--data", data.root.path, "--dataset", "mnist", "--hidden", "5", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let summary = try run.jsonSummary()
        let differences = try #require(summary["mean_abs_difference"] as? [String: Double])
        #expect(Set(differences.keys) == ["W1", "b1", "W2", "b2"])
        // Float32 central differences with h = 1e-2 on a loss near 2.3: errors of order
        // ε·|L|/h ≈ 1e-5 plus truncation h²·|L'''|/6; 1e-3 leaves room and still catches a wrong
        // backward pass (whose errors are of the gradients' own size, ~1e-2 and more).
        #expect(differences.values.allSatisfy { $0 < 1e-3 })
    }
}
