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
    private var source: DispatchSourceSignal?

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
        if count >= 2 && source != nil { exit(130) }
    }

    /// Starts listening to SIGINT (the default action, termination, is suspended until
    /// ``uninstall()``).
    public func install() {
        guard source == nil else { return }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.raise() }
        source.resume()
        self.source = source
    }

    /// Stops listening and restores SIGINT's default action.
    public func uninstall() {
        guard let source else { return }
        source.cancel()
        self.source = nil
        signal(SIGINT, SIG_DFL)
    }
}
