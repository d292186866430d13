import Kiso

/// The convolution layer (DeZero's `L.Conv2d`, the first book's `Convolution`):
/// x [N, C, H, W] → [N, FN, OH, OW] with filters W [FN, C, FH, FW] and biases b [FN], through
/// ``conv2d(_:_:_:stride:pad:)``. W is drawn from N(0, 1/(C·FH·FW)) unless given.
public final class Conv2d: Module {
    /// The filters, [FN, C, FH, FW].
    public let W: Variable
    /// The biases, [FN].
    public let b: Variable
    /// The step of the window and the zeros added on every side.
    public let stride: Int, pad: Int

    /// `outChannels` filters of `kernelSize`×`kernelSize` over `inChannels` channels, drawn with `generator`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, pad: Int = 0,
                generator: inout RandomGenerator) {
        let scale = (1 / Float(inChannels * kernelSize * kernelSize)).squareRoot()
        W = Variable(Tensor.randn([outChannels, inChannels, kernelSize, kernelSize], using: &generator) * scale, name: "W")
        b = Variable(Tensor.zeros([outChannels]), name: "b")
        self.stride = stride
        self.pad = pad
    }

    /// A layer holding the given filters W [FN, C, FH, FW] and biases b [FN].
    /// - Precondition: the shapes fit.
    public init(W: Tensor, b: Tensor, stride: Int = 1, pad: Int = 0) {
        kisoPrecondition(W.ndim == 4 && b.shape == [W.shape[0]], "Conv2d: W \(W.shape) and b \(b.shape) do not fit")
        self.W = Variable(W, name: "W")
        self.b = Variable(b, name: "b")
        self.stride = stride
        self.pad = pad
    }

    override public var ownParameters: [(name: String, variable: Variable)] { [("W", W), ("b", b)] }

    /// The convolution of `x`.
    /// - Precondition: the filter fits the padded input (use ``conv2d(_:_:_:stride:pad:)`` to catch it).
    override public func forward(_ x: Variable) -> Variable {
        do { return try conv2d(x, W, b, stride: stride, pad: pad) } catch {
            fatalError("Conv2d: \(error)")
        }
    }
}
