import Foundation
import Kiso

/// Chapter 6's batch-normalization and overfitting experiments, as computations.
public enum RegularizationExperiments {
    /// One weight scale of the batch-norm comparison and the train accuracy per epoch with
    /// and without batch normalization.
    public struct BatchNormRun: Sendable {
        /// The standard deviation of the initial weights (`WeightInit.std`).
        public let weightInitStd: Float
        /// Training accuracy after each epoch with batch normalization.
        public let withBatchNorm: [Float]
        /// Training accuracy after each epoch without it.
        public let withoutBatchNorm: [Float]
    }

    /// The book's batch-norm comparison: for each of `scales` (the book: 16 values of
    /// `logspace(0, −4, 16)`), a 6-layer ReLU MultiLayerNetExtend (hidden 5 × 100) with and
    /// without batch norm, trained with SGD lr 0.01, batch 100, on the given (small) training
    /// set (the book: 1000 images) for `epochs` epochs, recording the training accuracy per epoch.
    public static func batchNormComparison(xTrain: Tensor, tTrain: ClassLabels,
                                           scales: [Float] = (0..<16).map { Float(Foundation.pow(10, -4 * Double($0) / 15)) },
                                           hiddenSizes: [Int] = [100, 100, 100, 100, 100], epochs: Int = 20,
                                           miniBatchSize: Int = 100, learningRate: Float = 0.01, seed: UInt64 = 0,
                                           onRun: ((Int) -> Void)? = nil) throws -> [BatchNormRun] {
        let classes = tTrain.minimumClassCount
        let inputs = xTrain.count / xTrain.shape[0]
        return try scales.enumerated().map { index, scale in
            let accuracies = try [true, false].map { useBN in
                let net = MultiLayerNetExtend(inputSize: inputs, hiddenSizes: hiddenSizes, outputSize: classes,
                                              weightInit: .std(scale), useBatchnorm: useBN, seed: seed)
                let config = TrainerConfiguration(epochs: epochs, miniBatchSize: miniBatchSize,
                                                  optimizer: OptimizerSettings(kind: .sgd, learningRate: learningRate), seed: seed &+ 1)
                let trainer = try Trainer(network: net, xTrain: xTrain, tTrain: tTrain, xTest: xTrain, tTest: tTrain, configuration: config)
                // Like the book, a run that diverges trains on (loss NaN, accuracy at chance) and is plotted as it is.
                trainer.stopsOnDivergence = false
                return try trainer.train().history.trainAccList
            }
            onRun?(index + 1)
            return BatchNormRun(weightInitStd: scale, withBatchNorm: accuracies[0], withoutBatchNorm: accuracies[1])
        }
    }

    /// The book's overfitting runs: a 7-layer ReLU net (hidden 6 × 100) on a small training
    /// set (the book: 300 images), SGD lr 0.01, batch 100, with L2 weight decay λ
    /// (`weightDecayLambda`, the book: 0 or 0.1) and/or dropout (`dropoutRatio`, the book:
    /// 0.2 over 301 epochs). Returns the train/test accuracy per epoch and the losses.
    public static func overfitting(xTrain: Tensor, tTrain: ClassLabels, xTest: Tensor, tTest: ClassLabels,
                                   weightDecayLambda: Float = 0, dropoutRatio: Float? = nil, epochs: Int = 201,
                                   hiddenSizes: [Int] = [100, 100, 100, 100, 100, 100], miniBatchSize: Int = 100,
                                   learningRate: Float = 0.01, seed: UInt64 = 0,
                                   onEpoch: ((EpochReport) -> Void)? = nil) throws -> TrainingHistory {
        let classes = Swift.max(tTrain.minimumClassCount, tTest.minimumClassCount)
        let net = MultiLayerNetExtend(inputSize: xTrain.count / xTrain.shape[0], hiddenSizes: hiddenSizes, outputSize: classes,
                                      weightDecayLambda: weightDecayLambda, useDropout: dropoutRatio != nil,
                                      dropoutRatio: dropoutRatio ?? 0.5, seed: seed)
        let config = TrainerConfiguration(epochs: epochs, miniBatchSize: miniBatchSize,
                                          optimizer: OptimizerSettings(kind: .sgd, learningRate: learningRate), seed: seed &+ 1)
        let trainer = try Trainer(network: net, xTrain: xTrain, tTrain: tTrain, xTest: xTest, tTest: tTest, configuration: config)
        trainer.onEpoch = onEpoch
        trainer.stopsOnDivergence = false
        return try trainer.train().history
    }
}
