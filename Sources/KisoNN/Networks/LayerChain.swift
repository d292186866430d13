import Kiso

/// The machinery shared by the layer-based networks: an ordered list of layers, each with
/// the index that turns its own parameter names into the book's (`W` of the first Affine
/// → `W1`, `gamma` of the second BatchNormalization → `gamma2`), the SoftmaxWithLoss on
/// top, and optional L2 weight decay on every weight matrix `W…`.
final class LayerChain {
    private(set) var layers: [(layer: Layer, index: Int)] = []
    let lastLayer = SoftmaxWithLoss()
    var weightDecayLambda: Float = 0
    private(set) var parameters: [(name: String, parameter: Parameter)] = []
    private(set) var buffers: [(name: String, parameter: Parameter)] = []

    /// Appends `layer`; its parameters and buffers get the suffix `index`.
    func append(_ layer: Layer, index: Int) {
        layers.append((layer, index))
        parameters += layer.parameters.map { ("\($0.name)\(index)", $0.parameter) }
        buffers += layer.buffers.map { ("\($0.name)\(index)", $0.parameter) }
    }

    /// The layers' outputs in turn; a Convolution followed by a Relu runs as one fused pass
    /// (the same values: max(·, 0) applied as the convolution writes its output).
    func predict(_ x: Tensor, training: Bool) -> Tensor {
        var y = x, i = 0
        while i < layers.count {
            if let conv = layers[i].layer as? Convolution, i + 1 < layers.count, let relu = layers[i + 1].layer as? Relu {
                y = relu.adoptForwardOutput(conv.forward(y, training: training, fusingRelu: true))
                i += 2
            } else {
                y = layers[i].layer.forward(y, training: training)
                i += 1
            }
        }
        return y
    }

    /// ½·λ·Σ‖W‖² over the weight matrices (parameters whose name starts with "W").
    var weightDecayLoss: Float {
        guard weightDecayLambda != 0 else { return 0 }
        var s = 0.0
        for (name, p) in parameters where name.hasPrefix("W") {
            p.value.withUnsafeBufferPointer { for v in $0 { s += Double(v) * Double(v) } }
        }
        return Float(0.5 * Double(weightDecayLambda) * s)
    }

    func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float {
        lastLayer.forward(predict(x, training: training), labels) + weightDecayLoss
    }

    /// Forward in training mode, then backward through every layer, last first (a ReLU followed
    /// by max pooling in one step, see ``Pooling/backwardThroughRelu(_:)``). Each
    /// layer's weight gradients get the decay term (`∂W += λ·W`) as soon as that layer's
    /// backward is done, and each finished parameter gradient is reported to
    /// `onParameterGradient` (by its book name) while the layers below are still to go.
    func gradient(_ x: Tensor, _ labels: ClassLabels, onParameterGradient: ((String, Parameter) -> Void)? = nil) -> Float {
        let loss = self.loss(x, labels, training: true)
        var dout = lastLayer.backward()
        var i = layers.count - 1
        while i >= 0 {
            let (layer, index) = layers[i]
            if let pool = layer as? Pooling, i > 0, layers[i - 1].layer is Relu {
                dout = pool.backwardThroughRelu(dout)   // the ReLU's mask on the pooled values
                i -= 2
                continue
            }
            dout = layer.backward(dout)
            i -= 1
            for (name, p) in layer.parameters {
                if weightDecayLambda != 0 && name.hasPrefix("W") { p.gradient.addScaled(p.value, weightDecayLambda) }
                onParameterGradient?("\(name)\(index)", p)
            }
        }
        return loss
    }

    var dropoutLayers: [Dropout] { layers.compactMap { $0.layer as? Dropout } }

    /// Gives `slice` to every dropout layer (see ``Network/setTrainingSlice(_:)``).
    func setTrainingSlice(_ slice: BatchSlice?) {
        for layer in dropoutLayers { layer.slice = slice }
    }

    var randomGenerators: [RandomGenerator] {
        get { dropoutLayers.map(\.generator) }
        set {
            let dropouts = dropoutLayers
            kisoPrecondition(newValue.count == dropouts.count,
                             "randomGenerators: \(newValue.count) generators for \(dropouts.count) dropout layers")
            for (layer, g) in zip(dropouts, newValue) { layer.generator = g }
        }
    }
}
