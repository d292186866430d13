import Testing
import KisoNN

@Suite struct PerceptronTests {
    @Test func gatesHaveTheBooksTruthTables() {
        // Inputs (0,0), (1,0), (0,1), (1,1).
        #expect(Perceptron.truthTable(AND) == [0, 0, 0, 1])
        #expect(Perceptron.truthTable(NAND) == [1, 1, 1, 0])
        #expect(Perceptron.truthTable(OR) == [0, 1, 1, 1])
        #expect(Perceptron.truthTable(XOR) == [0, 1, 1, 0])
    }

    @Test func gatesUseTheBooksWeights() {
        #expect(Perceptron.and == Perceptron(weights: (0.5, 0.5), bias: -0.7))
        #expect(Perceptron.nand == Perceptron(weights: (-0.5, -0.5), bias: 0.7))
        #expect(Perceptron.or == Perceptron(weights: (0.5, 0.5), bias: -0.2))
    }
}
