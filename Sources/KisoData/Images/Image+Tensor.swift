import Kiso

extension Image {
    /// How tensor values map to the samples 0…255.
    public enum Scaling: Sendable {
        /// v ∈ 0…1 ↦ round(255 v), values outside clamped (MNIST images as loaded).
        case unit
        /// The tensor's own min…max ↦ 0…255 (weights and filters; a constant tensor gives 128).
        case minMax
    }

    /// An image of a tensor: `[H, W]` or `[1, H, W]` gives gray, `[3, H, W]` (channels first, as
    /// in the book) gives RGB; a flat `[784]` is read as a 28×28 MNIST digit.
    /// - Precondition: one of those shapes.
    public init(tensor: Tensor, scaling: Scaling = .unit) {
        var shape = tensor.shape
        if shape == [784] { shape = [28, 28] }
        if shape.count == 2 { shape = [1] + shape }
        kisoPrecondition(shape.count == 3 && (shape[0] == 1 || shape[0] == 3),
                     "Image(tensor:): shape \(tensor.shape) is not [H, W], [1, H, W], [3, H, W] or [784]")
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let values = tensor.scalars
        var low: Float = 0, span: Float = 1
        if scaling == .minMax, let lo = values.min(), let hi = values.max() {
            low = lo
            span = hi - lo
        }
        var pixels = [UInt8](repeating: 0, count: values.count)
        for c in 0..<channels {
            for p in 0..<(height * width) {
                let v = values[c * height * width + p]
                let unit = span > 0 ? (v - low) / span : 0.5
                let byte = (unit * 255).rounded()
                pixels[p * channels + c] = byte.isNaN ? 0 : UInt8(min(max(byte, 0), 255))
            }
        }
        self.init(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// The image as a float32 tensor `[channels, height, width]` (channels first, as the book's
    /// convolution layers expect), samples v ↦ v / 255 in 0…1.
    public func tensor() -> Tensor {
        let plane = width * height
        return Tensor(shape: [channels, height, width]) { out in
            for p in 0..<plane {
                for c in 0..<channels { out[c * plane + p] = Float(pixels[p * channels + c]) / 255 }
            }
        }
    }
}
