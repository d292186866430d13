import ArgumentParser
import Foundation
import Kiso
import KisoDistributed

/// `kiso train --distributed`: this process's rank in the MPI job, with the console it writes
/// to (rank 0 reports; the other ranks show only errors) and its kernel threads (the host's
/// cores divided by the ranks on the host, unless `KISO_THREADS` says otherwise).
struct DistributedRank {
    let job: DistributedJob
    let console: Console

    /// Joins the MPI job started by `mpirun` and sets this rank's kernel threads.
    /// - Throws: ``KisoError`` when this build has no MPI or MPI cannot start.
    static func join(console: Console) throws -> DistributedRank {
        let job: DistributedJob
        do {
            job = try DistributedJob()
        } catch {
            throw KisoError("--distributed: \(error)")
        }
        let info = ProcessInfo.processInfo
        Kernels.maxThreads = ThreadsPerRank.count(environment: info.environment, cores: info.activeProcessorCount)
        let rankConsole = job.rank == 0 ? console : Console(isTerminal: false, out: { _ in }, err: { console.errorLine(String($0.dropLast())) })
        rankConsole.quiet = console.quiet || job.rank != 0
        rankConsole.info("Data-parallel over \(job.worldSize) rank\(job.worldSize == 1 ? "" : "s"), \(Kernels.maxThreads) thread\(Kernels.maxThreads == 1 ? "" : "s") each.")
        return DistributedRank(job: job, console: rankConsole)
    }

    /// Refuses a global batch smaller than the number of ranks (some rank would get no sample).
    func check(batchSize: Int) throws {
        if batchSize < job.worldSize {
            throw KisoError("--distributed: the batch of \(batchSize) is smaller than the \(job.worldSize) ranks; give --batch-size \(job.worldSize) or more")
        }
    }

    /// Runs `session` and leaves the job cleanly, also after Ctrl-C (status 130); after any other
    /// error the process exits without leaving, and Open MPI ends every rank.
    func run(_ session: TrainingSession) throws {
        do {
            try session.run()
        } catch let exit as ExitCode {
            try job.finish()
            throw exit
        }
        try job.finish()
    }
}
