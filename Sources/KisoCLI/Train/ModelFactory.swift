import Foundation
import Kiso
import KisoNN

/// Builds the networks `kiso` trains and evaluates, and rebuilds them from a weights file.
///
/// A checkpoint written by `kiso train --save` names its network in the metadata key
/// `kiso.model` (the command-line name, e.g. `two-layer`) and describes it in `kiso.config`
/// (a JSON ``NetworkConfiguration``); the book's pickles say neither, so their network is
/// recognised from the parameter names and shapes.
enum ModelFactory {
    /// The architecture options of `kiso train`.
    struct Options {
        var hidden: [Int]?
        var weightDecay: Float = 0
        var batchnorm = false
        var dropout: Float?
    }

    /// A fresh network `model` for 28×28 images and 10 classes, initialised from `seed`.
    /// - Throws: ``KisoError`` for options the model does not take.
    static func make(_ model: ModelName, options: Options, seed: UInt64) throws -> Network {
        if model != .multiLayerExtend && (options.batchnorm || options.dropout != nil) {
            throw KisoError("--batchnorm and --dropout need --model multi-layer-extend (got \(model.rawValue))")
        }
        if !(model == .multiLayer || model == .multiLayerExtend) && options.weightDecay != 0 {
            throw KisoError("--weight-decay needs --model multi-layer or multi-layer-extend (got \(model.rawValue))")
        }
        switch model {
        case .threeLayer:
            let hidden = options.hidden ?? [50, 100]
            return MultiLayerNet.sampleNetwork(inputSize: 784, hiddenSizes: hidden, outputSize: 10, seed: seed)
        case .twoLayer:
            let hidden = options.hidden ?? [50]
            guard hidden.count == 1 else {
                throw KisoError("--model two-layer has one hidden layer; --hidden must be one size, got \(hidden.count)")
            }
            return TwoLayerNet(inputSize: 784, hiddenSize: hidden[0], outputSize: 10, seed: seed)
        case .multiLayer:
            return MultiLayerNet(inputSize: 784, hiddenSizes: options.hidden ?? [100, 100, 100, 100, 100], outputSize: 10,
                                 weightDecayLambda: options.weightDecay, seed: seed)
        case .multiLayerExtend:
            return MultiLayerNetExtend(inputSize: 784, hiddenSizes: options.hidden ?? [100, 100, 100, 100, 100],
                                       outputSize: 10, weightDecayLambda: options.weightDecay,
                                       useDropout: options.dropout != nil, dropoutRatio: options.dropout ?? 0.5,
                                       useBatchnorm: options.batchnorm, seed: seed)
        case .simpleConvNet, .deepConvNet:
            return try makeConvNet(model, options: options, seed: seed)
        }
    }

    /// The metadata that lets ``rebuild(metadata:tensors:model:)`` make the same network again.
    static func metadata(for network: Network, model: ModelName) -> [String: String] {
        var metadata = ["kiso.model": model.rawValue]
        if let text = configurationJSON(network) { metadata["kiso.config"] = text }
        return metadata
    }

    /// The network described by a weights file: by `kiso.model`/`kiso.config` metadata, else
    /// by `model` (from `--model`), else recognised from the tensor names and shapes.
    /// - Returns: the network (weights not yet loaded) and its model name.
    /// - Throws: ``KisoError`` when the file does not say and the tensors are not recognised.
    static func rebuild(metadata: [String: String], tensors: [String: Tensor], model: ModelName?) throws -> (Network, ModelName) {
        let stated = metadata["kiso.model"].flatMap(modelName(from:))
        if let stated, let model, stated != model {
            throw KisoError("the weights file holds a \(stated.rawValue) network, but --model \(model.rawValue) was given")
        }
        guard let name = stated ?? model ?? recognise(tensors) else {
            let names = tensors.keys.sorted().prefix(8).joined(separator: ", ")
            throw KisoError("cannot tell which network the weights file holds (tensors \(names)); pass --model")
        }
        if let text = metadata["kiso.config"], let network = try networkFromConfiguration(text, model: name) {
            return (network, name)
        }
        return (try make(name, options: inferredOptions(name, tensors), seed: 0), name)
    }

    /// Sizes read back from the weights: the hidden sizes of a fully connected network.
    private static func inferredOptions(_ model: ModelName, _ tensors: [String: Tensor]) -> Options {
        var options = Options()
        guard !model.takesImages else { return options }
        var hidden: [Int] = []
        var i = 1
        while let w = tensors["W\(i)"], w.ndim == 2, tensors["W\(i + 1)"] != nil {
            hidden.append(w.shape[1])
            i += 1
        }
        if !hidden.isEmpty { options.hidden = hidden }
        if model == .multiLayerExtend && tensors["gamma1"] != nil { options.batchnorm = true }
        return options
    }

    /// The model whose parameters these are, judged by names and shapes (the book's pickles).
    static func recognise(_ tensors: [String: Tensor]) -> ModelName? {
        guard let w1 = tensors["W1"] else { return nil }
        if w1.ndim == 4 { return tensors["W7"] != nil ? .deepConvNet : .simpleConvNet }
        let layers = (1...20).filter { tensors["W\($0)"] != nil }.count
        switch layers {
        case 2: return .twoLayer
        case 3 where w1.shape == [784, 50] && tensors["W2"]?.shape == [50, 100]: return .threeLayer
        default: return tensors["gamma1"] != nil ? .multiLayerExtend : .multiLayer
        }
    }

    /// Accepts the command-line names and the book's class names.
    static func modelName(from text: String) -> ModelName? {
        if let name = ModelName(rawValue: text) { return name }
        switch text {
        case "ThreeLayerNet": return .threeLayer
        case "TwoLayerNet": return .twoLayer
        case "MultiLayerNet": return .multiLayer
        case "MultiLayerNetExtend": return .multiLayerExtend
        case "SimpleConvNet": return .simpleConvNet
        case "DeepConvNet": return .deepConvNet
        default: return nil
        }
    }

    /// The network's configuration as JSON, when it has one.
    static func configurationJSON(_ network: Network) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let configuration = network.configuration, let data = try? encoder.encode(configuration) {
            return String(decoding: data, as: UTF8.self)
        }
        return convConfigurationJSON(network)
    }

    private static func networkFromConfiguration(_ text: String, model: ModelName) throws -> Network? {
        if model.takesImages { return try convNetwork(fromConfiguration: text) }
        guard let configuration = try? JSONDecoder().decode(NetworkConfiguration.self, from: Data(text.utf8)) else {
            throw KisoError("the weights file's kiso.config is not a network configuration: \(text.prefix(80))")
        }
        do { return try configuration.makeNetwork() } catch { throw KisoError("the weights file's kiso.config: \(error)") }
    }
}
