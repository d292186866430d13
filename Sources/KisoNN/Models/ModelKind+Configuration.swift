import Kiso

extension ModelKind {
    /// The description of this network for 28×28 gray images and 10 classes, with `options`
    /// applied to the book's sizes (three-layer 50, 100; two-layer 50; multi-layer 5 × 100;
    /// SimpleConvNet hidden 100; DeepConvNet hidden 50).
    /// - Throws: ``ModelError`` for options this kind does not take (batch norm on a two-layer
    ///   network, two hidden sizes for a convolutional one, a non-positive size, …).
    public func configuration(_ options: ModelOptions = ModelOptions()) throws -> NetworkConfiguration {
        if self != .multiLayerExtend && (options.batchnorm || options.dropout != nil) {
            throw ModelError("batch normalization and dropout need multi-layer-extend (got \(rawValue))")
        }
        if !(self == .multiLayer || self == .multiLayerExtend) && options.weightDecay != 0 {
            throw ModelError("weight decay needs multi-layer or multi-layer-extend (got \(rawValue))")
        }
        if let hidden = options.hidden, hidden.isEmpty || hidden.contains(where: { $0 <= 0 }) {
            throw ModelError("hidden sizes must be positive, got \(hidden)")
        }
        if let dropout = options.dropout, !(dropout >= 0 && dropout < 1) {
            throw ModelError("the dropout ratio must be in [0, 1), got \(dropout)")
        }
        if !(options.weightDecay >= 0 && options.weightDecay.isFinite) {
            throw ModelError("weight decay must be 0 or more, got \(options.weightDecay)")
        }
        if (self == .twoLayer || takesImages), let hidden = options.hidden, hidden.count != 1 {
            throw ModelError("\(rawValue) has one hidden layer; give one size, got \(hidden.count)")
        }
        switch self {
        case .threeLayer:
            return NetworkConfiguration(kind: self, inputSize: 784, hiddenSizes: options.hidden ?? [50, 100], outputSize: 10,
                                        activation: .sigmoid, weightInit: .std(0.01))
        case .twoLayer:
            return NetworkConfiguration(kind: self, inputSize: 784, hiddenSizes: options.hidden ?? [50], outputSize: 10,
                                        weightInit: .std(0.01))
        case .multiLayer:
            return NetworkConfiguration(kind: self, inputSize: 784, hiddenSizes: options.hidden ?? [100, 100, 100, 100, 100],
                                        outputSize: 10, weightDecayLambda: options.weightDecay)
        case .multiLayerExtend:
            return NetworkConfiguration(kind: self, inputSize: 784, hiddenSizes: options.hidden ?? [100, 100, 100, 100, 100],
                                        outputSize: 10, weightDecayLambda: options.weightDecay, useBatchnorm: options.batchnorm,
                                        useDropout: options.dropout != nil, dropoutRatio: options.dropout ?? 0.5)
        case .simpleConvNet:
            return NetworkConfiguration(convolution: ConvNetConfiguration(
                kind: self, inputShape: [1, 28, 28], convolutions: [ConvolutionSpec(filterCount: 30, filterSize: 5)],
                hiddenSize: options.hidden?.first ?? 100, outputSize: 10, weightInit: .std(0.01), dropoutRatio: 0))
        case .deepConvNet:
            return NetworkConfiguration(convolution: ConvNetConfiguration(
                kind: self, inputShape: [1, 28, 28], convolutions: DeepConvNet.bookConvolutions,
                hiddenSize: options.hidden?.first ?? 50, outputSize: 10, weightInit: .he, dropoutRatio: 0.5))
        }
    }

    /// The model whose parameters `tensors` are, judged by their names and shapes (how the
    /// book's pickles, which name no model, are recognised): `W1` of rank 4 is a convolutional
    /// network (DeepConvNet when there is a `W7`); otherwise the number of weight matrices,
    /// their sizes and `gamma1` decide.
    public static func recognise(_ tensors: [String: Tensor]) -> ModelKind? {
        guard let w1 = tensors["W1"] else { return nil }
        if w1.ndim == 4 { return tensors["W7"] != nil ? .deepConvNet : .simpleConvNet }
        guard w1.ndim == 2 else { return nil }
        let layers = (1...64).prefix { tensors["W\($0)"] != nil }.count
        switch layers {
        case 2: return .twoLayer
        case 3 where w1.shape == [784, 50] && tensors["W2"]?.shape == [50, 100]: return .threeLayer
        default: return tensors["gamma1"] != nil ? .multiLayerExtend : .multiLayer
        }
    }

    /// The description of this kind whose sizes are read from `tensors` (a file that names no
    /// configuration, such as the book's pickles): the hidden sizes of a fully connected
    /// network, batch normalization when `gamma1` is there, the affine size of a convnet.
    /// - Throws: ``ModelError`` when the tensors do not have this kind's parameters.
    public func configuration(fittedTo tensors: [String: Tensor]) throws -> NetworkConfiguration {
        var options = ModelOptions()
        if takesImages {
            let affine = self == .simpleConvNet ? "W2" : "W7"
            guard let w = tensors[affine], w.ndim == 2 else {
                throw ModelError("the weights have no \(affine) matrix, so they are not a \(rawValue)")
            }
            options.hidden = [w.shape[1]]
        } else {
            var hidden: [Int] = []
            var i = 1
            while let w = tensors["W\(i)"], w.ndim == 2, tensors["W\(i + 1)"] != nil {
                hidden.append(w.shape[1])
                i += 1
            }
            guard !hidden.isEmpty else {
                let w1 = tensors["W1"].map { "W1 of shape \($0.shape)" } ?? "no W1"
                throw ModelError("the weights have \(w1) and no weight matrices W1, W2 of a fully connected network, so they are not a \(rawValue)")
            }
            options.hidden = hidden
            if self == .multiLayerExtend && tensors["gamma1"] != nil { options.batchnorm = true }
            var fitted = try configuration(options)
            fitted.inputSize = tensors["W1"]!.shape[0]
            fitted.outputSize = tensors["W\(i)"]?.shape.last ?? fitted.outputSize
            return fitted
        }
        return try configuration(options)
    }
}
