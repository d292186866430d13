import Kiso
import KisoNN
import Testing
import KisoAutograd

/// `kiso train --autograd`'s adapter against the hand-written networks it wraps.
@Suite struct AutogradNetworkTests {
    static func batch() -> (x: Tensor, t: Tensor) {
        var generator = RandomGenerator(seed: 5)
        return (Tensor.randn([8, 6], using: &generator), Tensor((0..<8).map { Float($0 % 3) }))
    }

    static func close(_ a: Tensor, _ b: Tensor, _ tolerance: Float) -> Bool {
        a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= tolerance * (1 + abs($1)) }
    }

    @Test func gradientsEqualTheHandWrittenLayersWithBatchNormDropoutAndDecay() throws {
        func make() -> MultiLayerNetExtend {
            MultiLayerNetExtend(inputSize: 6, hiddenSizes: [5, 4], outputSize: 3, weightDecayLambda: 0.1,
                                useDropout: true, dropoutRatio: 0.3, useBatchnorm: true, seed: 7)
        }
        let (layers, wrapped) = (make(), try AutogradNetwork(wrapping: make()))
        let (x, t) = Self.batch()
        let lossLayers = layers.gradient(x, t), lossAutograd = wrapped.gradient(x, t)
        #expect(abs(lossLayers - lossAutograd) < 1e-4)
        for ((name, p), (_, q)) in zip(layers.parameters, wrapped.parameters) {
            #expect(Self.close(q.gradient, p.gradient, 1e-4), "\(name)")
        }
        for ((name, p), (_, q)) in zip(layers.buffers, wrapped.buffers) {
            #expect(Self.close(q.value, p.value, 1e-5), "\(name)")
        }
        #expect(layers.randomGenerators == wrapped.randomGenerators)   // the same masks were drawn
        #expect(Self.close(wrapped.predict(x, training: false), layers.predict(x, training: false), 1e-4))
    }

    @Test func convolutionalNetworksAreRefused() throws {
        let network = try ModelKind.simpleConvNet.makeNetwork(seed: 1)
        #expect(throws: AutogradNetworkError.self) { try AutogradNetwork(wrapping: network) }
    }
}
