import Foundation
import KisoNN
import KisoServe

/// The training view of `kiso train --serve PORT`: the page on 127.0.0.1:PORT, streaming the
/// run's losses and accuracies as they come (Server-Sent Events), until the run ends.
final class TrainingView {
    let stream: TrainingEventStream
    private let server: BackgroundServer

    /// Starts serving the run `title` on 127.0.0.1:`port` and publishes `trainer`'s progress
    /// (after its existing `onProgress` and `onEpoch` callbacks).
    /// - Throws: ``KisoError`` when the server cannot start (e.g. the port is taken).
    init(port: Int, title: String, following trainer: Trainer, console: Console) throws {
        let stream = TrainingEventStream(title: title)
        let app: KisoServer
        do {
            app = try KisoServer(models: [], training: stream)
            server = try waitFor { try await app.start(host: "127.0.0.1", port: port) }
        } catch {
            throw KisoError("--serve \(port): cannot start the training view: \(error)")
        }
        self.stream = stream
        let progress = trainer.onProgress, epoch = trainer.onEpoch
        trainer.onProgress = { progress?($0); stream.publish(iteration: $0.iteration, loss: $0.loss) }
        trainer.onEpoch = {
            epoch?($0)
            stream.publish(epoch: $0.epoch, trainAccuracy: $0.trainAccuracy, testAccuracy: $0.testAccuracy)
        }
        console.info("Training view on http://127.0.0.1:\(server.port)/ (until the run ends)")
    }

    /// Tells the clients the run ended, gives them a moment to receive it, and stops the server.
    func finish() {
        stream.finish()
        let server = self.server
        _ = try? waitFor {
            try await Task.sleep(for: .milliseconds(300))
            await server.stop()
        }
    }
}
