import Foundation
import Hummingbird
import HummingbirdTesting
import Kiso
import KisoData
import KisoNN
import KisoServe
import Testing

/// Small networks, pictures and requests for the server tests.
enum ServeFixtures {
    /// A SimpleConvNet with 4 filters of 5×5 and 16 hidden units, random weights (seeded), so
    /// its probabilities differ from class to class.
    static func convNet(seed: UInt64 = 7) -> SimpleConvNet {
        try! SimpleConvNet(filterCount: 4, hiddenSize: 16, weightInitStd: 0.1, seed: seed)
    }

    /// A fully connected TwoLayerNet 784-8-10, random weights (seeded).
    static func flatNet(seed: UInt64 = 7) -> TwoLayerNet {
        TwoLayerNet(inputSize: 784, hiddenSize: 8, outputSize: 10, weightInitStd: 0.1, seed: seed)
    }

    /// Two models: `conv` (two copies of ``convNet(seed:)``) and `flat` (``flatNet(seed:)``).
    static func models() -> [ServedModel] {
        [ServedModel(name: "conv", networks: [convNet(), convNet()], layout: .images,
                     classLabels: DatasetName.mnist.classNames, dataset: "mnist", accuracy: 0.5),
         ServedModel(name: "flat", network: flatNet(), layout: .flat,
                     classLabels: DatasetName.fashionMNIST.classNames, dataset: "fashion-mnist")]
    }

    /// The server over ``models()``, with an optional training run.
    static func server(training: TrainingEventStream? = nil) throws -> KisoServer {
        try KisoServer(models: models(), training: training)
    }

    /// A 60×80 picture of a "7" drawn in dark ink on white paper, as a phone photo would be.
    static func sevenPNG() -> [UInt8] {
        var image = Image(width: 60, height: 80, fill: 255)
        for x in 12..<48 { for y in 10..<16 { image[x, y] = 20 } }               // the bar
        for y in 16..<70 { let x = 44 - (y - 16) / 3; for dx in 0..<6 { image[x + dx, y] = 20 } }  // the stem
        return PNG.encode(image)
    }

    /// A request body from bytes.
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    /// `{"pixels": values}` as bytes.
    static func json(pixels: [Float]) -> ByteBuffer {
        ByteBuffer(string: #"{"pixels":["# + pixels.map { "\($0)" }.joined(separator: ",") + "]}")
    }

    /// The `{"error": …}` message of an error answer.
    static func errorMessage(_ response: TestResponse) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
        return try #require(object?["error"] as? String)
    }

    /// A prediction answer decoded.
    static func prediction(_ response: TestResponse) throws -> Prediction {
        try JSONDecoder().decode(Prediction.self, from: Data(response.body.readableBytesView))
    }

    /// `../shared/data/book-weights/NAME` beside the package, when present.
    static func bookWeights(_ name: String) -> URL? {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                let url = dir.deletingLastPathComponent().appendingPathComponent("shared/data/book-weights/\(name)")
                return FileManager.default.fileExists(atPath: url.path) ? url : nil
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
