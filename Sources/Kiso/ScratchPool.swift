import Foundation

/// The scratch memory of the tensor operations (convolution columns, packed filters, per-thread
/// partial gradients), kept between calls so that a training loop does not allocate and
/// page-fault the same large buffers on every iteration.
///
/// An operation borrows workspaces for the length of one call and gives them back; a workspace
/// grows to the largest size asked of it and then stays, so the layers of a network share a few
/// buffers instead of each keeping its own. Calls from several threads at once each get their
/// own workspaces.
final class ScratchPool: @unchecked Sendable {
    /// The pool the tensor operations use.
    static let shared = ScratchPool()

    private let lock = NSLock()
    private var idle: [Workspace] = []

    /// Runs `body` with three workspaces that no other call uses meanwhile.
    func withWorkspaces<R>(_ body: (Workspace, Workspace, Workspace) throws -> R) rethrows -> R {
        let (a, b, c) = (take(), take(), take())
        defer { give(back: [c, b, a]) }
        return try body(a, b, c)
    }

    private func take() -> Workspace {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast() ?? Workspace()
    }

    private func give(back workspaces: [Workspace]) {
        lock.lock()
        defer { lock.unlock() }
        idle += workspaces
    }
}
