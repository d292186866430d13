/// The class of each sample of a data set or a mini-batch: N integer labels, each a class
/// index `0, 1, …` — what an IDX label file holds and what a classifier's loss reads.
///
/// Labels stay integers from the file to the loss; the book's float forms are conversions at
/// the edges: ``init(targets:samples:)`` reads label indices `[N]` or one-hot rows `[N, K]`
/// held in a ``Tensor``, and ``oneHot(classes:)`` and ``asTensor()`` write them back.
///
/// ```swift
/// let t: ClassLabels = [7, 2, 1, 0]
/// t[[3, 0]]                  // [0, 7], the labels of a mini-batch
/// t.oneHot(classes: 10)      // Tensor [4, 10], a 1 at column t[n] of row n
/// ClassLabels(targets: Tensor([[0, 1], [1, 0]]))   // [1, 0]
/// ```
///
/// Misuse — a negative label, a target that is neither form, an index out of range — stops
/// the program with a message naming the operation, like every shape check of ``Tensor``.
public struct ClassLabels: Sendable, Equatable, RandomAccessCollection, ExpressibleByArrayLiteral,
                           CustomStringConvertible {
    private let storage: [Int32]

    private init(storage: [Int32]) { self.storage = storage }

    /// The labels `values`, in order.
    /// - Precondition: every value is a class index, `0…Int32.max`.
    public init(_ values: some Sequence<Int>) {
        storage = values.map { value in
            kisoPrecondition(value >= 0 && value <= Int(Int32.max), "ClassLabels: label \(value) is not a class index (0…\(Int32.max))")
            return Int32(value)
        }
    }

    /// The labels written as an array literal, `[7, 2, 1]`.
    /// - Precondition: every value is a class index ≥ 0.
    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// The labels stored one byte each, as an IDX label file (`[N]`, uint8) holds them.
    public init(bytes: some Sequence<UInt8>) { storage = bytes.map(Int32.init) }

    /// The labels that the book's float targets `t` stand for: label indices `[N]` (each a
    /// whole number ≥ 0) or one-hot rows `[N, K]` (each row a single 1, the rest 0).
    ///
    /// - Parameters:
    ///   - t: the targets, `[N]` or `[N, K]`.
    ///   - samples: the number of samples the targets belong to, when known. The label count
    ///     must then equal it, and for a single sample a 1-D target of K > 1 values is that
    ///     sample's one-hot row (the book's `t = [0, 0, 1]` for one input `x`).
    /// - Precondition: `t` is one of the two forms (and fits `samples`).
    public init(targets t: Tensor, samples: Int? = nil) {
        if samples == 1 && t.ndim == 1 && t.count > 1 {
            self.init(oneHotRows: t.reshaped([1, t.count]))
        } else if t.ndim == 1 {
            self.init(labelIndices: t)
        } else {
            kisoPrecondition(t.ndim == 2, "ClassLabels(targets:): targets must be label indices [N] or one-hot rows [N, K], got shape \(t.shape)")
            self.init(oneHotRows: t)
        }
        if let samples {
            kisoPrecondition(count == samples, "ClassLabels(targets:): targets of shape \(t.shape) hold \(count) labels for \(samples) samples")
        }
    }

    /// Labels from float indices `[N]`.
    private init(labelIndices t: Tensor) {
        storage = t.withUnsafeBufferPointer { values in
            values.enumerated().map { i, value in
                kisoPrecondition(value >= 0 && value.rounded() == value && value < Float(Int32.max),   // Float(Int32.max) is 2³¹
                                 "ClassLabels(targets:): target \(value) at index \(i) of label indices \(t.shape) is not a class index (a whole number ≥ 0)")
                return Int32(value)
            }
        }
    }

    /// Labels from one-hot rows `[N, K]`: the column of each row's single 1.
    private init(oneHotRows t: Tensor) {
        let (n, k) = (t.shape[0], t.shape[1])
        storage = t.withUnsafeBufferPointer { values in
            (0..<n).map { row in
                let entries = values[(row * k)..<(row * k + k)]
                let ones = entries.filter { $0 == 1 }.count, zeros = entries.filter { $0 == 0 }.count
                kisoPrecondition(ones == 1 && zeros == k - 1,
                                 "ClassLabels(targets:): row \(row) of one-hot targets \(t.shape) is not one 1 and \(k - 1) zeros: \(Array(entries.prefix(20)))")
                return Int32(entries.firstIndex(of: 1)! - row * k)
            }
        }
    }

    /// The position of the first label, 0.
    public var startIndex: Int { 0 }
    /// One past the position of the last label, N.
    public var endIndex: Int { storage.count }

    /// The label of sample `position`.
    /// - Precondition: `position` is in `0..<count`.
    public subscript(position: Int) -> Int { Int(storage[position]) }

    /// The labels of the samples in `range`, as new labels indexed from 0 (`t[a..<b]`).
    /// - Precondition: `range` lies within `0..<count`.
    public subscript(_ range: Range<Int>) -> ClassLabels {
        kisoPrecondition(range.lowerBound >= 0 && range.upperBound <= count,
                         "ClassLabels[range]: range \(range) is out of bounds for \(count) labels")
        return ClassLabels(storage: Array(storage[range]))
    }

    /// The labels of the samples at `indices`, in that order (repeats allowed, negative
    /// indices counting from the end): a mini-batch's labels, NumPy's `t[batch_mask]`.
    /// - Precondition: every index is in range.
    public subscript(_ indices: [Int]) -> ClassLabels {
        let n = count
        return ClassLabels(storage: indices.map { index in
            let i = index < 0 ? index + n : index
            kisoPrecondition(i >= 0 && i < n, "ClassLabels[indices]: index \(index) is out of range for \(n) labels")
            return storage[i]
        })
    }

    /// The smallest number of classes that holds every label: the largest label + 1 (0 when
    /// there are no labels).
    public var minimumClassCount: Int { storage.max().map { Int($0) + 1 } ?? 0 }

    /// Stops the program, naming `operation`, unless every label is in `0..<classes`.
    public func check(classes: Int, operation: String = "ClassLabels") {
        if let i = storage.firstIndex(where: { Int($0) >= classes }) {
            kisoPrecondition(false, "\(operation): label \(storage[i]) at index \(i) is not in 0..<\(classes)")
        }
    }

    /// One-hot rows, shape `[N, classes]`: 1 at column `self[n]` of row n, 0 elsewhere (the
    /// book's `one_hot_label=True`).
    /// - Precondition: every label is in `0..<classes`.
    public func oneHot(classes: Int) -> Tensor {
        check(classes: classes, operation: "ClassLabels.oneHot")
        var t = Tensor.zeros([count, classes])
        t.withUnsafeMutableBufferPointer { rows in
            for (row, label) in storage.enumerated() { rows[row * classes + Int(label)] = 1 }
        }
        return t
    }

    /// The labels as float indices, shape `[N]` — the book's `t` for printing or for code
    /// that expects the float form.
    public func asTensor() -> Tensor { Tensor(shape: [count], scalars: storage.map(Float.init)) }

    /// The labels as an array literal, `[7, 2, 1]`.
    public var description: String { storage.description }
}
