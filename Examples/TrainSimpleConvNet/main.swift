// Kiso as a library: train the book's SimpleConvNet for one epoch on Fashion-MNIST, save it,
// load it back and evaluate it. Run: swift run -c release train-simple-convnet [DATA_FOLDER]
import Foundation
import KisoData
import KisoNN

let folder = CommandLine.arguments.dropFirst().first.map { URL(fileURLWithPath: $0) }
let locator = DatasetLocator(dataDirectory: folder)
let train = try MNIST.loadBytes(.fashionMNIST, split: .train, flatten: false, locator: locator)
let test = try MNIST.loadBytes(.fashionMNIST, split: .test, flatten: false, locator: locator)

let network = try ModelKind.simpleConvNet.makeNetwork(seed: 42)
let trainer = try Trainer(network: network, xTrain: train.images, tTrain: train.labels,
                          xTest: test.images, tTest: test.labels,
                          configuration: TrainerConfiguration(epochs: 1, optimizer: OptimizerSettings(kind: .adam, learningRate: 0.001)))
trainer.onEpoch = { print("epoch \($0.epoch): train accuracy \($0.trainAccuracy), test accuracy \($0.testAccuracy)") }
let result = try trainer.train()

let file = FileManager.default.temporaryDirectory.appendingPathComponent("simple-convnet.safetensors")
try network.save(to: file, dataset: .fashionMNIST)
let loaded = try ModelCheckpoint.load(from: file)
let accuracy = loaded.network.accuracy(test.images, test.labels, batchSize: 100)
print("trained: \(result.finalTestAccuracy ?? 0), loaded back from \(file.lastPathComponent): \(accuracy) (\(loaded.kind.rawValue))")
