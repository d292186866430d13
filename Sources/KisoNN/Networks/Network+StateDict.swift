import Kiso

/// A state dictionary that does not fit the network it is loaded into.
public struct NetworkStateError: Error, CustomStringConvertible, Equatable {
    /// The missing, unexpected or mis-shaped entries, by name and shape.
    public let description: String
}

extension Network {
    /// Every tensor that defines the network's behaviour, by name: the parameters (`W1`,
    /// `b1`, `gamma1`, …) and the buffers (`running_mean1`, `running_var1`, …). The book
    /// saves only the parameters (`params`) in its pickles; the running statistics are
    /// added under the names of the book's `BatchNormalization` attributes plus the layer index.
    public var stateDict: [String: Tensor] {
        var dict: [String: Tensor] = [:]
        for (name, p) in parameters { dict[name] = p.value }
        for (name, p) in buffers { dict[name] = p.value }
        return dict
    }

    /// Replaces parameter and buffer values by those in `stateDict`.
    ///
    /// Every parameter must be present with its exact shape. With `strict` (the default),
    /// every buffer must be present too and no unknown name may appear; with `strict: false`
    /// unknown names are ignored and missing buffers keep their values (e.g. to load the
    /// book's pickles, which hold no running statistics).
    /// - Throws: ``NetworkStateError`` naming the missing, unexpected or mis-shaped entries;
    ///   nothing is changed then.
    public func load(stateDict: [String: Tensor], strict: Bool = true) throws {
        var problems: [String] = []
        let required = parameters + (strict ? buffers : [])
        for (name, p) in required {
            guard let value = stateDict[name] else { problems.append("missing '\(name)'"); continue }
            if value.shape != p.value.shape {
                problems.append("'\(name)' has shape \(value.shape) but the network expects \(p.value.shape)")
            }
        }
        if !strict {
            for (name, p) in buffers {
                if let value = stateDict[name], value.shape != p.value.shape {
                    problems.append("'\(name)' has shape \(value.shape) but the network expects \(p.value.shape)")
                }
            }
        }
        let known = Set((parameters + buffers).map(\.name))
        if strict {
            for name in stateDict.keys.sorted() where !known.contains(name) { problems.append("unexpected '\(name)'") }
        }
        if !problems.isEmpty {
            throw NetworkStateError(description: "state does not fit the network: " + problems.joined(separator: "; "))
        }
        for (name, p) in parameters + buffers {
            if let value = stateDict[name] { p.value = value }
        }
    }
}
