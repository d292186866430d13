import Kiso
import KisoNN

/// A trained network that `kiso serve` offers under a name, with the class names it predicts.
public struct ServedModel: Sendable {
    /// The shape a network takes its pictures in.
    public enum InputLayout: String, Sendable, Codable {
        /// `[N, 1, 28, 28]`: the convolutional networks (SimpleConvNet, DeepConvNet).
        case images
        /// `[N, 784]`: the fully connected networks (TwoLayerNet, MultiLayerNet, …).
        case flat
    }

    /// The name clients pick the model by (e.g. the weights file's name).
    public let name: String
    /// How the network takes its input.
    public let layout: InputLayout
    /// The ten class names, indexed by class (digits for MNIST, clothing for Fashion-MNIST).
    public let classLabels: [String]
    /// The data set the network was trained on, when known (e.g. `mnist`).
    public let dataset: String?
    /// The test accuracy, when known (0…1).
    public let accuracy: Float?
    /// Whether the network starts with a convolution layer whose filters and maps
    /// `predict(pixels:activations:)` can return.
    public let isConvolutional: Bool
    /// The network's copies.
    let pool: NetworkPool

    /// A model served from `networks`: copies of one trained network (same weights), one per
    /// prediction that may run at once — give as many as the machine has cores for parallel
    /// answers. `classLabels` names each output class.
    /// - Precondition: `networks` is not empty, and no one else uses them while served.
    public init(name: String, networks: [any Network], layout: InputLayout, classLabels: [String],
                dataset: String? = nil, accuracy: Float? = nil) {
        self.name = name
        self.layout = layout
        self.classLabels = classLabels
        self.dataset = dataset
        self.accuracy = accuracy
        isConvolutional = layout == .images && networks.first.flatMap(Prediction.firstConvolution(of:)) != nil
        pool = NetworkPool(networks)
    }

    /// A model served from one network: predictions on it run one at a time.
    public init(name: String, network: any Network, layout: InputLayout, classLabels: [String],
                dataset: String? = nil, accuracy: Float? = nil) {
        self.init(name: name, networks: [network], layout: layout, classLabels: classLabels,
                  dataset: dataset, accuracy: accuracy)
    }

    /// Classifies one picture (784 values in 0…1, row-major 28×28) off the event loop; with
    /// `activations`, adds the first convolution layer's filters and its output for this picture.
    public func predict(pixels: [Float], activations: Bool = false) async -> Prediction {
        let (name, layout, labels) = (self.name, self.layout, classLabels)
        return await pool.run { network in
            Prediction(network: network, pixels: pixels, layout: layout, modelName: name, classLabels: labels,
                       activations: activations)
        }
    }
}
