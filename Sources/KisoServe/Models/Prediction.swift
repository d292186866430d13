import Kiso
import KisoNN

/// The answer of `POST /api/predict`: the class a network gives a picture and how sure it is.
public struct Prediction: Sendable, Codable, Equatable {
    /// The most likely class, 0…9.
    public var `class`: Int
    /// The name of that class (e.g. `7`, `Sneaker`).
    public var label: String
    /// Softmax of the network's scores: one probability per class, summing to 1.
    public var probabilities: [Float]
    /// The name of the model that answered.
    public var model: String
    /// The 784 values (0…1, row-major 28×28) the network was given.
    public var input: [Float]
    /// The first convolution layer's filters and output, when asked for and the network has one.
    public var activations: Activations?

    /// A tensor sent as its shape and its row-major values.
    public struct Plane: Sendable, Codable, Equatable {
        /// The tensor's shape.
        public var shape: [Int]
        /// Its elements in row-major order.
        public var values: [Float]
    }

    /// The book's figure 7-25, live: what the first layer looks for and where it finds it.
    public struct Activations: Sendable, Codable, Equatable {
        /// The filters `W1`, shape `[FN, C, FH, FW]`.
        public var filters: Plane
        /// The convolution's output for this picture (before ReLU), shape `[FN, OH, OW]`.
        public var maps: Plane
    }

    /// Runs `network` on `pixels` (784 values) laid out as `layout`.
    init(network: any Network, pixels: [Float], layout: ServedModel.InputLayout, modelName: String,
         classLabels: [String], activations wantsActivations: Bool) {
        let shape = layout == .images ? [1, 1, 28, 28] : [1, PredictionInput.pixelCount]
        let x = Tensor(shape: shape, scalars: pixels)
        let p = network.probabilities(x).scalars
        let best = p.indices.max { p[$0] < p[$1] } ?? 0
        probabilities = p
        self.class = best
        label = best < classLabels.count ? classLabels[best] : String(best)
        model = modelName
        input = pixels
        activations = nil
        if wantsActivations, layout == .images, let convolution = Self.firstConvolution(of: network) {
            let maps = convolution.forward(x, training: false)
            activations = Activations(filters: Plane(shape: convolution.W.value.shape, values: convolution.W.value.scalars),
                                      maps: Plane(shape: Array(maps.shape.dropFirst()), values: maps.scalars))
        }
    }

    /// The first `Convolution` layer of a convolutional network, or `nil`.
    static func firstConvolution(of network: any Network) -> Convolution? {
        let layers: [Layer]
        switch network {
        case let net as SimpleConvNet: layers = net.layers
        case let net as DeepConvNet: layers = net.layers
        default: return nil
        }
        return layers.lazy.compactMap { $0 as? Convolution }.first
    }
}
