import Kiso

/// The fully connected layer: `out = x · W + b`.
///
/// Input [N, D] → output [N, M] with W [D, M] and b [M]. An N-d input [N, d1, d2, …] is
/// flattened to [N, d1·d2·…] and ∂L/∂x is returned in the original shape. Backward:
///
///     ∂L/∂x = dout · Wᵀ,   ∂L/∂W = xᵀ · dout,   ∂L/∂b = Σ_n dout[n]
///
/// The transposes are never materialised (sgemm with transpose flags), and W's gradient
/// buffer is reused between calls.
public final class Affine: Layer {
    /// Weights, shape [D, M].
    public let W: Parameter
    /// Biases, shape [M].
    public let b: Parameter
    /// Whether ``backward(_:)`` computes ∂L/∂x. A network's first layer may turn it off
    /// (nothing consumes the gradient of the input data); `backward` then returns an
    /// empty tensor of shape [0].
    public var computesInputGradient = true

    private var x: Tensor?
    private var originalShape: [Int] = []

    /// A layer with weights `W` [D, M] and biases `b` [M].
    /// - Precondition: `W` is 2-d and `b` has shape [M].
    public init(W: Tensor, b: Tensor) {
        kisoPrecondition(W.ndim == 2, "Affine: weights must be 2-d [D, M], got shape \(W.shape)")
        kisoPrecondition(b.shape == [W.shape[1]], "Affine: bias shape \(b.shape) does not match weights \(W.shape)")
        self.W = Parameter(W)
        self.b = Parameter(b)
    }

    public var parameters: [(name: String, parameter: Parameter)] { [("W", W), ("b", b)] }

    /// `x · W + b`, shape [N, M].
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        kisoPrecondition(x.ndim >= 1, "Affine.forward: input must have a batch axis, got a 0-d tensor")
        let d = W.value.shape[0]
        let x2 = x.ndim == 2 ? x : x.reshaped([x.shape[0], -1])
        kisoPrecondition(x2.shape[1] == d, "Affine.forward: input \(x.shape) has \(x2.shape[1]) features but W has shape \(W.value.shape)")
        var out = matmul(x2, W.value)
        let m = W.value.shape[1]
        b.value.withUnsafeBufferPointer { pb in
            out.withUnsafeMutableBufferPointer { po in
                for row in 0..<x2.shape[0] {
                    let r = po.baseAddress! + row * m
                    for j in 0..<m { r[j] += pb[j] }
                }
            }
        }
        self.x = x2
        originalShape = x.shape
        return out
    }

    /// Fills `W.gradient` = xᵀ·dout and `b.gradient` = Σ_n dout[n]; returns dout·Wᵀ in the
    /// input's original shape (or an empty tensor if ``computesInputGradient`` is off).
    public func backward(_ dout: Tensor) -> Tensor {
        guard let x else { fatalError("Affine.backward: called before forward") }
        let (n, m) = (x.shape[0], W.value.shape[1])
        kisoPrecondition(dout.shape == [n, m], "Affine.backward: dout has shape \(dout.shape), the output was [\(n), \(m)]")
        if W.gradient.shape != W.value.shape { W.gradient = Tensor.zeros(W.value.shape) }
        let d = W.value.shape[0]
        if d > m {
            // A wide input (e.g. 784 → 50): (doutᵀ · x)ᵀ packs the large operand untransposed,
            // which measured ~20% faster than xᵀ · dout here, transpose included.
            Self.transpose(matmul(dout, x, transposeA: true), into: &W.gradient)
        } else {
            matmul(x, dout, transposeA: true, into: &W.gradient, accumulate: false)
        }
        var db = Tensor.zeros([m])
        db.withUnsafeMutableBufferPointer { pb in
            dout.withUnsafeBufferPointer { pd in
                for row in 0..<n {
                    let r = pd.baseAddress! + row * m
                    for j in 0..<m { pb[j] += r[j] }
                }
            }
        }
        b.gradient = db
        guard computesInputGradient else { return Tensor.zeros([0]) }
        return matmul(dout, W.value, transposeB: true).reshaped(originalShape)
    }

    /// Writes the transpose of the 2-d `source` [r, c] into `target` [c, r].
    private static func transpose(_ source: Tensor, into target: inout Tensor) {
        let (r, c) = (source.shape[0], source.shape[1])
        source.withUnsafeBufferPointer { s in
            target.withUnsafeMutableBufferPointer { t in
                Kernels.transpose(s.baseAddress!, rows: r, columns: c, into: t.baseAddress!)
            }
        }
    }
}
