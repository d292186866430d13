import Dispatch
import Foundation
import KisoNN

/// Copies of one network, each used by one prediction at a time, run on Dispatch's threads
/// (off Hummingbird's event loops and Swift's cooperative pool).
///
/// A ``Network`` keeps what its forward pass computed inside its layers, so one copy must not
/// run two predictions at once; with `n` copies, `n` predictions run in parallel and the
/// others wait their turn.
final class NetworkPool: @unchecked Sendable {
    /// A network handed across threads; the pool's lock guarantees one user at a time.
    private struct Lease: @unchecked Sendable { let network: any Network }

    private let lock = NSLock()
    private var free: [any Network]
    private var waiting: [CheckedContinuation<Lease, Never>] = []
    /// How many copies there are: the most predictions that run at once.
    let count: Int

    /// A pool of `networks` (at least one), all computing the same function.
    init(_ networks: [any Network]) {
        precondition(!networks.isEmpty, "NetworkPool needs at least one network")
        free = networks
        count = networks.count
    }

    /// Runs `body` on a free copy on a Dispatch thread, waiting for one if all are busy.
    func run<T: Sendable>(_ body: @escaping @Sendable (any Network) -> T) async -> T {
        let lease = await acquire()
        let result: T = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: body(lease.network))
            }
        }
        release(lease)
        return result
    }

    private func acquire() async -> Lease {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let network = free.popLast() {
                lock.unlock()
                continuation.resume(returning: Lease(network: network))
            } else {
                waiting.append(continuation)
                lock.unlock()
            }
        }
    }

    private func release(_ lease: Lease) {
        lock.lock()
        if waiting.isEmpty {
            free.append(lease.network)
            lock.unlock()
        } else {
            let next = waiting.removeFirst()
            lock.unlock()
            next.resume(returning: lease)
        }
    }
}
