import Foundation

/// A flag that Ctrl-C (SIGINT) raises, for loops that poll it and stop cleanly (the Trainer's
/// cancellation closure): the command then saves a checkpoint and says how to resume.
///
/// While installed, the first Ctrl-C only raises the flag; a second one exits at once
/// with status 130.
public final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var presses = 0
    private var sources: [(signal: Int32, source: DispatchSourceSignal)] = []

    /// A lowered flag, not yet listening to signals.
    public init() {}

    /// Whether an interrupt was requested.
    public var isRaised: Bool { lock.withLock { raised } }

    /// Raises the flag (what Ctrl-C does; also used to simulate it).
    public func raise() {
        let count = lock.withLock { () -> Int in
            raised = true
            presses += 1
            return presses
        }
        if count >= 2 && !sources.isEmpty { exit(130) }
    }

    /// Starts listening to `signals` (SIGINT; `mpirun` forwards SIGUSR1 to its ranks, which
    /// data-parallel training also listens to); their default action, termination, is
    /// suspended until ``uninstall()``.
    public func install(signals: [Int32] = [SIGINT]) {
        guard sources.isEmpty else { return }
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.raise() }
            source.resume()
            sources.append((number, source))
        }
    }

    /// Stops listening and restores the signals' default action.
    public func uninstall() {
        for (number, source) in sources {
            source.cancel()
            signal(number, SIG_DFL)
        }
        sources.removeAll()
    }
}
