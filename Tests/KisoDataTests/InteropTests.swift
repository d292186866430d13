import Foundation
import Kiso
import KisoData
import Testing

/// Files written by Kiso load unchanged in Python (`numpy.load`, `safetensors.numpy.load_file`,
/// `pickle.load`) and files written there load in Kiso, with identical values. Runs
/// `Tests/Interop/interop.py` when `python3` can import numpy and safetensors (CI installs both).
@Suite struct InteropTests {
    typealias F = FormatFixtures

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Interop/interop.py")

    /// Runs `python3 arguments…`; the exit status and the combined output.
    static func python(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let pythonReady: Bool = python(["-c", "import numpy, safetensors"]).status == 0

    /// The float32 values of `interop.py`'s `pattern`: bits ((i+offset)·2654435761 mod 2³²) >> 9 as a
    /// mantissa in [1, 2), minus 1.5 (exact by Sterbenz' lemma).
    static func pattern(_ shape: [Int], offset: UInt64 = 0) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<UInt64(n)).map { i in
            let u = ((i + offset) &* 2_654_435_761) % (1 << 32)
            return Float(bitPattern: UInt32(u >> 9) | 0x3F80_0000) - 1.5
        })
    }

    static let kiso: NamedTensors = [
        "W1": pattern([3, 4]), "b1": pattern([4], offset: 100), "conv": pattern([2, 1, 3, 3], offset: 200), "scalar": Tensor(2.5),
    ]

    @Test(.enabled(if: pythonReady, "python3 with numpy and safetensors is not available"))
    func numpyAndSafetensorsReadKisoFilesAndKisoReadsTheirs() throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        func url(_ name: String) -> URL { dir.appendingPathComponent(name) }
        try SafeTensors.write(Self.kiso, metadata: ["kiso.model": "TwoLayerNet", "kiso.config": #"{"hidden": 50}"#], to: url("kiso.safetensors"))
        try SafeTensors.write(Self.kiso, dtype: .float16, to: url("kiso_f16.safetensors"))
        try NPZ.write(Self.kiso, metadata: ["kiso.model": "TwoLayerNet"], to: url("kiso.npz"))
        try NPZ.write(Self.kiso, metadata: ["kiso.model": "TwoLayerNet"], compressed: true, to: url("kiso_compressed.npz"))
        try NPY.write(Self.kiso["W1"]!, to: url("kiso_W1.npy"))
        try NPY.write(Self.kiso["W1"]!, dtype: .float64, to: url("kiso_W1_f64.npy"))
        try BookPickle.write(Self.kiso, to: url("kiso_params.pkl"))

        let run = Self.python([Self.script.path, dir.path])
        try #require(run.status == 0, "interop.py failed: \(run.output)")

        // What interop.py wrote: a32 = pattern([2, 3]); a64 = arange(5)/3 in float64; a16 = pattern([4], 7) as float16;
        // i64 = arange(-3, 3) reshaped [2, 3]; u8 = 250…255.
        let a64 = Tensor(shape: [5], doubles: (0..<5).map { Double($0) / 3 })
        let expected: NamedTensors = [
            "a32": Self.pattern([2, 3]), "a64": a64, "a16": Self.pattern([4], offset: 7).roundedToFloat16(),
            "i64": Tensor(shape: [2, 3], scalars: [-3, -2, -1, 0, 1, 2]), "u8": Tensor([250, 251, 252, 253, 254, 255]),
        ]
        let safetensors = try SafeTensors.read(from: url("py.safetensors"))
        #expect(safetensors.metadata == ["source": "numpy"])
        #expect(safetensors.dtypes == ["a32": .float32, "a64": .float64, "a16": .float16, "i64": .int64, "u8": .uint8])
        for name in ["py.safetensors", "py.npz", "py_compressed.npz", "py_p2.pkl", "py_p3.pkl", "py_p4.pkl", "py_p5.pkl"] {
            let file = try Checkpoint.load(from: url(name))
            #expect(Set(file.tensors.names) == Set(expected.names), "\(name)")
            for (key, tensor) in expected {
                #expect(file.tensors[key]?.shape == tensor.shape && file.tensors[key]?.scalars == tensor.scalars, "\(name): \(key)")
            }
        }
        #expect(try NPY.read(from: url("py_a64.npy")).scalars == a64.scalars)
        #expect(try NPY.read(from: url("py_i32_big.npy")).scalars == [-3, -2, -1, 0, 1, 2])
    }
}
