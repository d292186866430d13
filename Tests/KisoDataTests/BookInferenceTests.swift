import Foundation
import Kiso
import KisoData
import Testing

/// The book's chapter-3 inference: its pretrained 3-layer sigmoid network (784-50-100-10,
/// `sample_weight.pkl`) classifies the MNIST test set with accuracy 0.9352.
@Suite struct BookInferenceTests {
    typealias F = FormatFixtures

    static let available = F.shared("book-weights/sample_weight.pkl") != nil
        && F.shared("mnist/t10k-images-idx3-ubyte.gz") != nil && F.shared("mnist/t10k-labels-idx1-ubyte.gz") != nil

    /// y = softmax(σ(σ(x·W1 + b1)·W2 + b2)·W3 + b3); argmax needs no softmax (it is monotonic).
    static func predict(_ x: Tensor, _ w: NamedTensors) -> [Int] {
        let z1 = sigmoid(matmul(x, w["W1"]!) + w["b1"]!)
        let z2 = sigmoid(matmul(z1, w["W2"]!) + w["b2"]!)
        return (matmul(z2, w["W3"]!) + w["b3"]!).argmax(axis: 1)
    }

    @Test(.enabled(if: available, "needs ../shared/data/{book-weights,mnist}"))
    func sampleWeightsReachTheBooksAccuracyOneByOneAndInBatches() throws {
        let w = try BookPickle.read(from: F.shared("book-weights/sample_weight.pkl")!).tensors
        let x = try MNIST.readImages(F.shared("mnist/t10k-images-idx3-ubyte.gz")!, normalize: true, flatten: true)
        let t = try MNIST.readLabels(F.shared("mnist/t10k-labels-idx1-ubyte.gz")!)
        #expect(x.shape == [10_000, 784])

        var batched = 0
        for start in stride(from: 0, to: 10_000, by: 100) {
            let y = Self.predict(x[start..<start + 100], w)
            batched += zip(y, t[start..<start + 100]).filter { $0 == $1 }.count
        }
        var single = 0
        for i in 0..<10_000 where Self.predict(x[i..<i + 1], w)[0] == t[i] { single += 1 }
        // The book's figure is exact: 9352 of 10000. Float32 sums in a different order could only flip an
        // image whose two best scores tie to ~1e-6, and none does, so the count must match exactly.
        #expect(batched == 9352)
        #expect(single == 9352)
    }
}
