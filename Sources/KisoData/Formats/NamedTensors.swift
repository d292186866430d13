import Kiso

/// Tensors under unique names, in a fixed order — what a model file holds.
///
/// ```swift
/// var params: NamedTensors = ["W1": w1, "b1": b1]
/// params["W2"] = w2            // appended
/// for (name, tensor) in params { print(name, tensor.shape) }
/// ```
public struct NamedTensors: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// The entries in order.
    public private(set) var entries: [(name: String, tensor: Tensor)] = []
    private var positions: [String: Int] = [:]

    /// No tensors.
    public init() {}

    /// The tensors of `entries`, in order.
    /// - Precondition: the names are unique.
    public init(_ entries: [(name: String, tensor: Tensor)]) {
        for (name, tensor) in entries {
            kisoPrecondition(positions[name] == nil, "NamedTensors: the name '\(name)' appears twice")
            append(name, tensor)
        }
    }

    /// The tensors of a dictionary literal, in the order written.
    public init(dictionaryLiteral elements: (String, Tensor)...) {
        self.init(elements.map { (name: $0.0, tensor: $0.1) })
    }

    /// The names in order.
    public var names: [String] { entries.map(\.name) }
    /// The number of tensors.
    public var count: Int { entries.count }
    /// True when there are no tensors.
    public var isEmpty: Bool { entries.isEmpty }

    /// Whether a tensor is called `name`.
    public func contains(_ name: String) -> Bool { positions[name] != nil }

    /// The tensor called `name`, or `nil`. Setting a new name appends it; setting `nil` removes it.
    public subscript(name: String) -> Tensor? {
        get { positions[name].map { entries[$0].tensor } }
        set {
            if let i = positions[name] {
                if let newValue { entries[i].tensor = newValue } else { remove(at: i) }
            } else if let newValue {
                append(name, newValue)
            }
        }
    }

    private mutating func append(_ name: String, _ tensor: Tensor) {
        positions[name] = entries.count
        entries.append((name, tensor))
    }

    private mutating func remove(at i: Int) {
        entries.remove(at: i)
        positions = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
    }

    /// Iterates `(name, tensor)` pairs in order.
    public func makeIterator() -> IndexingIterator<[(name: String, tensor: Tensor)]> { entries.makeIterator() }
}

/// What a model file holds: its tensors, its string metadata and each tensor's element
/// type in the file (before conversion to float32).
public struct TensorFile: Sendable {
    /// The tensors, in the file's order.
    public var tensors: NamedTensors
    /// String key/value pairs (safetensors `__metadata__`; empty for formats without metadata).
    public var metadata: [String: String]
    /// Each tensor's element type in the file, by name.
    public var dtypes: [String: DType]

    /// A file's contents.
    public init(tensors: NamedTensors, metadata: [String: String] = [:], dtypes: [String: DType] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        self.dtypes = dtypes
    }
}
