import Foundation
import KisoCLI

/// What one run of `kiso` produced.
struct KisoRun {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The last non-empty line of standard output parsed as a JSON object.
    func jsonSummary() throws -> [String: Any] {
        let last = standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8))
        guard let dictionary = object as? [String: Any] else { throw KisoError("not a JSON object: \(last)") }
        return dictionary
    }
}

/// Runs `kiso arguments…` in this process with a capturing console.
func runKiso(_ arguments: [String]) -> KisoRun {
    let console = Console.capturing()
    let status = KisoCommand.run(arguments, console: console)
    return KisoRun(status: status, standardOutput: console.standardOutput, standardError: console.standardError)
}

/// The built `kiso` executable, found beside the test bundle in the build products folder.
func kisoExecutable() -> URL? {
    var folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    folders += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
    for folder in folders {
        let candidate = folder.appendingPathComponent("kiso")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return candidate
        }
    }
    return nil
}

/// Runs the real `kiso` executable as a child process, with `input` (a few KB at most) as its
/// standard input when given.
func runKisoBinary(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> KisoRun {
    guard let executable = kisoExecutable() else { throw KisoError("kiso executable not found") }
    return try runProcess(executable, arguments, environment: environment, input: input)
}

/// Runs `executable arguments…` as a child process, killing it after `timeout` seconds when
/// given; `input`, when given, is written to its standard input, which is then closed.
func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                timeout: Double? = nil, input: String? = nil) throws -> KisoRun {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let inputPipe = input.map { _ in Pipe() }
    if let inputPipe { process.standardInput = inputPipe }
    try process.run()
    if let inputPipe, let input {
        inputPipe.fileHandleForWriting.write(Data(input.utf8))   // small: fits the pipe's buffer
        try inputPipe.fileHandleForWriting.close()
    }
    if let timeout {
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
    // Read both pipes before waiting so a chatty child cannot block on a full pipe.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return KisoRun(
        status: process.terminationStatus,
        standardOutput: String(decoding: outData, as: UTF8.self),
        standardError: String(decoding: errData, as: UTF8.self))
}

/// A fresh empty folder under the system's temporary directory.
func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-cli-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
