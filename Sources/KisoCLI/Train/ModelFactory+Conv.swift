import Foundation
import Kiso
import KisoNN

extension ModelFactory {
    /// SimpleConvNet (`--hidden` sets its affine layer, default 100) or DeepConvNet (default 50)
    /// for 1×28×28 images.
    static func makeConvNet(_ model: ModelName, options: Options, seed: UInt64) throws -> Network {
        if let hidden = options.hidden, hidden.count != 1 {
            throw KisoError("--model \(model.rawValue) has one hidden affine layer; --hidden must be one size, got \(hidden.count)")
        }
        do {
            if model == .simpleConvNet {
                return try SimpleConvNet(hiddenSize: options.hidden?.first ?? 100, seed: seed)
            }
            return try DeepConvNet(hiddenSize: options.hidden?.first ?? 50, seed: seed)
        } catch {
            throw KisoError("cannot build \(model.rawValue): \(error)")
        }
    }

    /// A convolutional network's ``ConvNetConfiguration`` as JSON.
    static func convConfigurationJSON(_ network: Network) -> String? {
        let configuration: ConvNetConfiguration
        switch network {
        case let net as SimpleConvNet: configuration = net.convolutionConfiguration
        case let net as DeepConvNet: configuration = net.convolutionConfiguration
        default: return nil
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(configuration)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The convolutional network a `kiso.config` JSON describes.
    static func convNetwork(fromConfiguration text: String) throws -> Network {
        guard let configuration = try? JSONDecoder().decode(ConvNetConfiguration.self, from: Data(text.utf8)) else {
            throw KisoError("the weights file's kiso.config is not a convolutional network configuration: \(text.prefix(80))")
        }
        do { return try configuration.makeNetwork() } catch { throw KisoError("the weights file's kiso.config: \(error)") }
    }
}
