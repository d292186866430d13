import Foundation
import Kiso
import KisoNN
import KisoServe
import Testing

/// A network whose forward pass takes a while and records how many run at once.
final class SlowNetwork: Network, @unchecked Sendable {
    static let lock = NSLock()
    nonisolated(unsafe) static var running = 0
    nonisolated(unsafe) static var mostAtOnce = 0
    var busy = false
    var overlapped = false

    var parameters: [(name: String, parameter: Parameter)] { [] }
    func predict(_ x: Tensor, training: Bool) -> Tensor {
        Self.lock.withLock {
            if busy { overlapped = true }
            busy = true
            Self.running += 1
            Self.mostAtOnce = max(Self.mostAtOnce, Self.running)
        }
        Thread.sleep(forTimeInterval: 0.05)
        Self.lock.withLock { Self.running -= 1; busy = false }
        return Tensor.zeros([x.shape[0], 10])
    }
    func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float { 0 }
    func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float { 0 }
}

@Suite(.serialized) struct NetworkPoolTests {
    @Test func predictionsRunInParallelUpToTheCopiesAndNeverTwiceOnOneCopy() async throws {
        let copies = (0..<2).map { _ in SlowNetwork() }
        let model = ServedModel(name: "slow", networks: copies, layout: .flat, classLabels: (0..<10).map(String.init))
        SlowNetwork.lock.withLock { SlowNetwork.mostAtOnce = 0 }
        await withTaskGroup(of: Prediction.self) { group in
            for _ in 0..<12 { group.addTask { await model.predict(pixels: [Float](repeating: 0, count: 784)) } }
            for await prediction in group { #expect(prediction.probabilities.count == 10) }
        }
        // Each forward pass sleeps 50 ms, so twelve requests on two copies must overlap on both.
        #expect(SlowNetwork.lock.withLock { SlowNetwork.mostAtOnce } == 2)
        #expect(copies.allSatisfy { !$0.overlapped })
    }

    @Test func oneCopyRunsOnePredictionAtATime() async throws {
        let model = ServedModel(name: "slow", network: SlowNetwork(), layout: .flat, classLabels: (0..<10).map(String.init))
        SlowNetwork.lock.withLock { SlowNetwork.mostAtOnce = 0 }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = await model.predict(pixels: [Float](repeating: 0, count: 784)) } }
        }
        #expect(SlowNetwork.lock.withLock { SlowNetwork.mostAtOnce } == 1)
    }
}
