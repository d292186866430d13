import ArgumentParser
import Foundation
import KisoData
import KisoNN

/// The networks `kiso` builds are the library's ``ModelKind``, by its command-line names.
extension ModelKind: ExpressibleByArgument {}

/// The optimizers of chapter 6, by their command-line names.
public enum OptimizerName: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Stochastic gradient descent, W ← W − η·∂L/∂W.
    case sgd
    /// Momentum (α 0.9): v ← αv − η·∂L/∂W, W ← W + v.
    case momentum
    /// Nesterov's accelerated gradient (α 0.9).
    case nesterov
    /// AdaGrad: per-parameter learning rates η/√(h + 1e-7), h summing squared gradients.
    case adagrad
    /// RMSprop: AdaGrad with a decaying sum (0.99).
    case rmsprop
    /// Adam (β1 0.9, β2 0.999), bias-corrected as in the book.
    case adam
}

/// The data sets `kiso` reads are KisoData's ``DatasetName``, by their raw names.
extension DatasetName: ExpressibleByArgument {}

/// Parses a comma-separated list of positive integers such as `100,100,100`.
func parseSizes(_ text: String, option: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let sizes = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw KisoError("\(option) expects positive sizes separated by commas, such as 100,100; got '\(text)'")
    }
    return sizes.map { $0! }
}
