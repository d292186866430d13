/// A perceptron of chapter 2 with two inputs: it fires (outputs 1) when
/// `w1·x1 + w2·x2 + b > 0`, else outputs 0.
public struct Perceptron: Sendable, Equatable {
    /// The weights of the two inputs.
    public var weights: (Double, Double)
    /// The bias `b` (the negated threshold θ).
    public var bias: Double

    /// A perceptron with weights `(w1, w2)` and bias `b`.
    public init(weights: (Double, Double), bias: Double) {
        self.weights = weights
        self.bias = bias
    }

    /// 1 when `w1·x1 + w2·x2 + b > 0`, else 0.
    public func callAsFunction(_ x1: Int, _ x2: Int) -> Int {
        weights.0 * Double(x1) + weights.1 * Double(x2) + bias > 0 ? 1 : 0
    }

    public static func == (a: Perceptron, b: Perceptron) -> Bool {
        a.weights == b.weights && a.bias == b.bias
    }

    /// The book's AND gate: w = (0.5, 0.5), b = −0.7.
    public static let and = Perceptron(weights: (0.5, 0.5), bias: -0.7)
    /// The book's NAND gate: w = (−0.5, −0.5), b = 0.7.
    public static let nand = Perceptron(weights: (-0.5, -0.5), bias: 0.7)
    /// The book's OR gate: w = (0.5, 0.5), b = −0.2.
    public static let or = Perceptron(weights: (0.5, 0.5), bias: -0.2)

    /// The output for each input pair (0,0), (1,0), (0,1), (1,1) — the book's table order.
    public static func truthTable(_ gate: (Int, Int) -> Int) -> [Int] {
        [(0, 0), (1, 0), (0, 1), (1, 1)].map { gate($0.0, $0.1) }
    }
}

/// The AND gate (inputs 0/1): 1 only when both inputs are 1.
public func AND(_ x1: Int, _ x2: Int) -> Int { Perceptron.and(x1, x2) }
/// The NAND gate: 0 only when both inputs are 1.
public func NAND(_ x1: Int, _ x2: Int) -> Int { Perceptron.nand(x1, x2) }
/// The OR gate: 1 when either input is 1.
public func OR(_ x1: Int, _ x2: Int) -> Int { Perceptron.or(x1, x2) }
/// XOR as the book's two-layer perceptron: `AND(NAND(x1, x2), OR(x1, x2))`.
public func XOR(_ x1: Int, _ x2: Int) -> Int { AND(NAND(x1, x2), OR(x1, x2)) }
