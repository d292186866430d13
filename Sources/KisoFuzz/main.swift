import Foundation
import Kiso
import KisoData

/// kiso-fuzz: a seeded mutation fuzzer for Kiso's file parsers.
///
///     kiso-fuzz TARGET --seconds N [--seed S] [--state FILE] [--max-length BYTES]
///         Mutates Kiso-written seed files for N seconds, parsing each input with TARGET
///         (idx, safetensors, npy, npz, pickle, png). The input being parsed lives in FILE
///         (memory-mapped), so after a crash `kiso-fuzz extract FILE OUT` recovers it.
///         A parse that runs longer than 10 s aborts the process (a hang is a finding too).
///     kiso-fuzz TARGET --replay FILE...     parse each file once (regression inputs)
///     kiso-fuzz extract STATE OUT           write the input a crashed run was parsing
func usage() -> Never {
    FileHandle.standardError.write(Data("""
    usage: kiso-fuzz TARGET --seconds N [--seed S] [--state FILE] [--max-length BYTES]
           kiso-fuzz TARGET --replay FILE...
           kiso-fuzz extract STATE OUT
    targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))

    """.utf8))
    exit(2)
}

/// Prints `line` unbuffered, so progress reaches a log file even if the run then crashes.
func report(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

var arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first else { usage() }

if first == "extract" {
    guard arguments.count == 3 else { usage() }
    guard let input = CrashRecorder.pendingInput(at: arguments[1]) else {
        report("kiso-fuzz: no pending input in \(arguments[1])")
        exit(1)
    }
    _ = FileManager.default.createFile(atPath: arguments[2], contents: Data(input))
    report("kiso-fuzz: wrote \(input.count) bytes to \(arguments[2])")
    exit(0)
}

guard let target = FuzzTarget(rawValue: first) else { usage() }
arguments.removeFirst()

if arguments.first == "--replay" {
    for path in arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else { report("\(path): unreadable"); exit(1) }
        report("\(path): \(target.run([UInt8](data)))")
    }
    exit(0)
}

var seconds = 60.0, seed: UInt64 = 1, statePath = "kiso-fuzz-\(target.rawValue).state", maxLength = 1 << 20
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    guard let value = arguments.first else { usage() }
    arguments.removeFirst()
    switch flag {
    case "--seconds": seconds = Double(value) ?? seconds
    case "--seed": seed = UInt64(value) ?? seed
    case "--state": statePath = value
    case "--max-length": maxLength = Int(value) ?? maxLength
    default: usage()
    }
}

let recorder = CrashRecorder(path: statePath, maxLength: maxLength)
// Watchdog: if no execution finishes for 10 s, the current input hangs the parser.
let watchdog = Thread {
    var last = recorder.executions
    var stalled = 0
    while true {
        Thread.sleep(forTimeInterval: 1)
        let now = recorder.executions
        stalled = now == last ? stalled + 1 : 0
        last = now
        if stalled >= 10 {
            FileHandle.standardError.write(Data("kiso-fuzz: HANG — one parse has run for 10 s\n".utf8))
            exit(70)
        }
    }
}
watchdog.start()

var corpus = target.seeds.filter { !$0.isEmpty }
var signatures = Set<String>()
for input in corpus {
    recorder.record(input)
    signatures.insert(target.run(input))
    recorder.tick()
}
var mutator = Mutator(rng: RandomGenerator(seed: seed), tokens: target.tokens, maxLength: maxLength)
let start = Date()
var lastReport = start
while Date().timeIntervalSince(start) < seconds {
    for _ in 0..<100 {
        let a = corpus[mutator.below(corpus.count)], b = corpus[mutator.below(corpus.count)]
        var input = mutator.mutate(a, other: b)
        if mutator.below(10) < 9 { target.fixUp(&input) }
        recorder.record(input)
        let signature = target.run(input)
        recorder.tick()
        // Inputs reaching an outcome not seen before go into the corpus (a crude stand-in for coverage).
        if signatures.insert(signature).inserted && corpus.count < 5000 && input.count <= 65_536 { corpus.append(input) }
    }
    if Date().timeIntervalSince(lastReport) >= 30 {
        lastReport = Date()
        report("kiso-fuzz \(target.rawValue): \(recorder.executions) executions, corpus \(corpus.count), outcomes \(signatures.count)")
    }
}
recorder.clear()
if ProcessInfo.processInfo.environment["KISO_FUZZ_OUTCOMES"] != nil { signatures.sorted().forEach { report("  outcome: \($0)") } }
report("kiso-fuzz \(target.rawValue): done — \(recorder.executions) executions in \(Int(Date().timeIntervalSince(start))) s, corpus \(corpus.count), \(signatures.count) distinct outcomes, no crash")
