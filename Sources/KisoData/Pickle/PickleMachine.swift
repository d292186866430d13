/// A restricted unpickler: the stack machine of Python's pickle protocols 2–5, limited to
/// the opcodes and globals that pickles of dicts of NumPy arrays contain. Any other opcode
/// or global is an error naming it; nothing is executed. Stack depth, memo size, nesting
/// and byte lengths are bounded, and every length is checked against the bytes that remain
/// before anything is allocated.
struct PickleMachine {
    static let maxStack = 100_000
    static let maxMemo = 100_000
    static let maxMarks = 10_000
    static let maxDepth = 64

    private var reader: ByteReader
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private let file: String
    /// Bytes `_codecs.encode` may still create: at most the file's size.
    private var byteBudget: Int
    /// Every list and dict pushed. A pickle can put a container inside itself (DUP then
    /// SETITEM or APPEND), a reference cycle ARC never frees; `releaseContainers` breaks them.
    private var lists: [PickleList] = []
    private var dicts: [PickleDict] = []

    init(_ bytes: [UInt8], file: String) {
        reader = ByteReader(bytes, file: file)
        self.file = file
        byteBudget = bytes.count
    }

    private func error(_ reason: FileFormatError.Reason, _ detail: String) -> FileFormatError {
        FileFormatError(reason, detail, file: file)
    }

    // MARK: stack

    private mutating func push(_ value: PickleValue) throws {
        guard stack.count < Self.maxStack else { throw error(.limitExceeded, "the pickle's stack grows past \(Self.maxStack) items") }
        guard value.depth <= Self.maxDepth else { throw error(.limitExceeded, "the pickle nests containers more than \(Self.maxDepth) deep") }
        switch value {
        case let .list(list): lists.append(list)
        case let .dict(dict): dicts.append(dict)
        default: break
        }
        stack.append(value)
    }

    /// Empties every list and dict the machine made, so reference cycles among them are freed.
    /// Call it when the result of `run` is no longer needed.
    mutating func releaseContainers() {
        for list in lists { list.items = [] }
        for dict in dicts { dict.items = [] }
        lists = []
        dicts = []
    }

    private mutating func pop(_ opcode: String) throws -> PickleValue {
        guard let top = stack.popLast(), stack.count >= (marks.last ?? 0) else {
            throw error(.malformedHeader, "\(opcode) at byte \(reader.offset - 1) needs a value but the stack is empty")
        }
        return top
    }

    /// The items pushed since the last MARK, removing them and the mark.
    private mutating func popToMark(_ opcode: String) throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else {
            throw error(.malformedHeader, "\(opcode) at byte \(reader.offset - 1) has no matching MARK")
        }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func top(_ opcode: String) throws -> PickleValue {
        guard let last = stack.last, stack.count > (marks.last ?? 0) else {
            throw error(.malformedHeader, "\(opcode) at byte \(reader.offset - 1) needs a value but the stack is empty")
        }
        return last
    }

    // MARK: reading operands

    private mutating func text(_ count: Int, _ what: String) throws -> String {
        let raw = try reader.take(count, what)
        guard let s = String(validating: raw, as: UTF8.self) else { throw error(.malformedHeader, "\(what) is not valid UTF-8") }
        return s
    }

    /// A newline-terminated name of at most 256 bytes (GLOBAL's operands).
    private mutating func line(_ what: String) throws -> String {
        let window = reader.bytes[reader.offset..<min(reader.bytes.count, reader.offset + 257)]
        guard let end = window.firstIndex(of: 0x0A) else {
            throw error(window.count == 257 ? .malformedHeader : .truncated,
                        window.count == 257 ? "\(what) is longer than 256 bytes" : "the file ends inside \(what)")
        }
        let raw = try reader.take(end - reader.offset, what)
        reader.offset += 1
        return String(decoding: raw, as: UTF8.self)
    }

    private mutating func length(_ size: Int, _ what: String) throws -> Int {
        let n = size == 1 ? UInt64(try reader.u8(what)) : size == 4 ? UInt64(try reader.u32(what)) : try reader.u64(what)
        guard n <= UInt64(reader.remaining) else {
            throw error(.truncated, "\(what) declares \(n) bytes but only \(reader.remaining) remain")
        }
        return Int(n)
    }

    /// A little-endian two's-complement integer of `count` bytes (LONG1/LONG4), at most 64 bits.
    private mutating func long(_ count: Int) throws -> Int {
        guard count <= 8 else { throw error(.limitExceeded, "the pickle holds a \(count)-byte integer; Kiso reads up to 8 bytes") }
        let raw = try reader.take(count, "an integer")
        var v: UInt64 = 0
        for (i, b) in raw.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        if count > 0, count < 8, raw.last! & 0x80 != 0 { v |= ~0 << (8 * UInt64(count)) }
        return Int(truncatingIfNeeded: v)
    }

    private mutating func memoize(_ index: Int) throws {
        guard memo[index] != nil || memo.count < Self.maxMemo else {
            throw error(.limitExceeded, "the pickle's memo grows past \(Self.maxMemo) entries")
        }
        memo[index] = try top("PUT")
    }

    private func recall(_ index: Int) throws -> PickleValue {
        guard let v = memo[index] else { throw error(.malformedHeader, "the pickle refers to memo entry \(index), which was never stored") }
        return v
    }

    // MARK: running

    /// Runs the pickle to its STOP opcode and returns the value it leaves.
    /// - Throws: `FileFormatError` for unknown opcodes or globals, broken structure, or limits.
    mutating func run() throws -> PickleValue {
        while true {
            let opcode = try reader.u8("the next pickle opcode")
            switch opcode {
            case 0x80: // PROTO
                let version = try reader.u8("the protocol version")
                guard version <= 5 else { throw error(.unsupportedVersion, "pickle protocol \(version) is not supported (Kiso reads 2 to 5)") }
            case 0x95: _ = try reader.u64("a FRAME length")                       // FRAME: framing is transparent
            case UInt8(ascii: "."): return try pop("STOP")                         // STOP
            case UInt8(ascii: "("):                                                // MARK
                guard marks.count < Self.maxMarks else { throw error(.limitExceeded, "the pickle nests more than \(Self.maxMarks) MARKs") }
                marks.append(stack.count)
            case UInt8(ascii: "0"): _ = try pop("POP")
            case UInt8(ascii: "1"): _ = try popToMark("POP_MARK")
            case UInt8(ascii: "2"): try push(try top("DUP"))
            case UInt8(ascii: "N"): try push(.none)
            case 0x88: try push(.bool(true))                                       // NEWTRUE
            case 0x89: try push(.bool(false))                                      // NEWFALSE
            case UInt8(ascii: "K"): try push(.int(Int(try reader.u8("BININT1"))))
            case UInt8(ascii: "M"): try push(.int(Int(try reader.u16("BININT2"))))
            case UInt8(ascii: "J"): try push(.int(Int(Int32(bitPattern: try reader.u32("BININT")))))
            case 0x8A: try push(.int(try long(Int(try reader.u8("LONG1")))))       // LONG1
            case 0x8B: try push(.int(try long(try length(4, "LONG4"))))            // LONG4
            case UInt8(ascii: "G"):                                                // BINFLOAT, big-endian
                let bits = try reader.u64("BINFLOAT")
                try push(.float(Double(bitPattern: bits.byteSwapped)))
            case UInt8(ascii: "X"): try push(.string(try text(try length(4, "BINUNICODE"), "a string")))
            case 0x8C: try push(.string(try text(try length(1, "SHORT_BINUNICODE"), "a string")))
            case 0x8D: try push(.string(try text(try length(8, "BINUNICODE8"), "a string")))
            case UInt8(ascii: "B"): try push(.bytes(Array(try reader.take(try length(4, "BINBYTES"), "bytes"))))
            case UInt8(ascii: "C"): try push(.bytes(Array(try reader.take(try length(1, "SHORT_BINBYTES"), "bytes"))))
            case 0x8E: try push(.bytes(Array(try reader.take(try length(8, "BINBYTES8"), "bytes"))))
            case 0x96: try push(.bytes(Array(try reader.take(try length(8, "BYTEARRAY8"), "bytes"))))
            case UInt8(ascii: "T"): try push(.bytes(Array(try reader.take(try length(4, "BINSTRING"), "bytes"))))
            case UInt8(ascii: "U"): try push(.bytes(Array(try reader.take(try length(1, "SHORT_BINSTRING"), "bytes"))))
            case UInt8(ascii: ")"): try push(.makeTuple([]))
            case UInt8(ascii: "t"):
                let items = try popToMark("TUPLE")
                try push(.makeTuple(items))
            case 0x85: try push(.makeTuple([try pop("TUPLE1")]))
            case 0x86:
                let b = try pop("TUPLE2"), a = try pop("TUPLE2")
                try push(.makeTuple([a, b]))
            case 0x87:
                let c = try pop("TUPLE3"), b = try pop("TUPLE3"), a = try pop("TUPLE3")
                try push(.makeTuple([a, b, c]))
            case UInt8(ascii: "]"): try push(.list(PickleList()))
            case UInt8(ascii: "l"):
                // Pop into a local first: `append(try popToMark(…))` would hold a copy of `self` (and so
                // of the stack) across the pop, making every pop copy the whole stack — quadratic
                // (kiso-fuzz found it as a 10 s hang on 10 000 × MARK DICT).
                let items = try popToMark("LIST")
                let list = PickleList()
                try Self.append(items, to: list, file: file)
                try push(.list(list))
            case UInt8(ascii: "}"): try push(.dict(PickleDict()))
            case UInt8(ascii: "d"):
                let items = try popToMark("DICT")
                let dict = PickleDict()
                try Self.setItems(items, in: dict, file: file)
                try push(.dict(dict))
            case UInt8(ascii: "a"):
                let item = try pop("APPEND")
                guard case let .list(list) = try top("APPEND") else { throw error(.malformedHeader, "APPEND to something that is not a list") }
                try Self.append([item], to: list, file: file)
            case UInt8(ascii: "e"):
                let items = try popToMark("APPENDS")
                guard case let .list(list) = try top("APPENDS") else { throw error(.malformedHeader, "APPENDS to something that is not a list") }
                try Self.append(items, to: list, file: file)
            case UInt8(ascii: "s"):
                let value = try pop("SETITEM"), key = try pop("SETITEM")
                guard case let .dict(dict) = try top("SETITEM") else { throw error(.malformedHeader, "SETITEM on something that is not a dict") }
                try Self.setItems([key, value], in: dict, file: file)
            case UInt8(ascii: "u"):
                let items = try popToMark("SETITEMS")
                guard case let .dict(dict) = try top("SETITEMS") else { throw error(.malformedHeader, "SETITEMS on something that is not a dict") }
                try Self.setItems(items, in: dict, file: file)
            case UInt8(ascii: "q"): try memoize(Int(try reader.u8("BINPUT")))
            case UInt8(ascii: "r"): try memoize(Int(try reader.u32("LONG_BINPUT")))
            case 0x94: try memoize(memo.count)                                      // MEMOIZE
            case UInt8(ascii: "h"): try push(try recall(Int(try reader.u8("BINGET"))))
            case UInt8(ascii: "j"): try push(try recall(Int(try reader.u32("LONG_BINGET"))))
            case UInt8(ascii: "c"):                                                  // GLOBAL
                let module = try line("a GLOBAL module name")
                let name = try line("a GLOBAL name")
                try push(.global(try global(module, name)))
            case 0x93:                                                               // STACK_GLOBAL
                let nameValue = try pop("STACK_GLOBAL"), moduleValue = try pop("STACK_GLOBAL")
                guard case let .string(module) = moduleValue, case let .string(name) = nameValue else {
                    throw error(.malformedHeader, "STACK_GLOBAL needs two strings, found \(moduleValue.kind) and \(nameValue.kind)")
                }
                try push(.global(try global(module, name)))
            case UInt8(ascii: "R"):                                                  // REDUCE
                let args = try pop("REDUCE"), callable = try pop("REDUCE")
                try push(try NumPyModel.reduce(callable, args, byteBudget: &byteBudget, file: file))
            case UInt8(ascii: "b"):                                                  // BUILD
                let state = try pop("BUILD")
                try NumPyModel.build(try top("BUILD"), state, file: file)
            default:
                let name = Self.unsupportedNames[opcode].map { "\($0) " } ?? ""
                throw error(.unsupportedOpcode,
                            "the pickle uses opcode \(name)(0x\(String(opcode, radix: 16, uppercase: true))) at byte \(reader.offset - 1), which Kiso does not execute (it reads only dicts of NumPy arrays, protocol 2 or later)")
            }
        }
    }

    private func global(_ module: String, _ name: String) throws -> PickleGlobal {
        guard let g = PickleGlobal(module: module, name: name) else {
            throw error(.forbiddenGlobal, "the pickle names \(printable(module)).\(printable(name)), which Kiso does not load (only NumPy arrays are allowed)")
        }
        return g
    }

    private static func append(_ items: [PickleValue], to list: PickleList, file: String) throws {
        func error(_ reason: FileFormatError.Reason, _ detail: String) -> FileFormatError { FileFormatError(reason, detail, file: file) }
        guard list.items.count + items.count <= Self.maxStack else { throw error(.limitExceeded, "a list in the pickle grows past \(Self.maxStack) items") }
        list.items += items
        list.depth = max(list.depth, 1 + (items.map(\.depth).max() ?? 0))
        guard list.depth <= Self.maxDepth else { throw error(.limitExceeded, "the pickle nests containers more than \(Self.maxDepth) deep") }
    }

    private static func setItems(_ items: [PickleValue], in dict: PickleDict, file: String) throws {
        func error(_ reason: FileFormatError.Reason, _ detail: String) -> FileFormatError { FileFormatError(reason, detail, file: file) }
        guard items.count % 2 == 0 else { throw error(.malformedHeader, "SETITEMS with an odd number of values") }
        guard dict.items.count + items.count / 2 <= Self.maxStack else { throw error(.limitExceeded, "a dict in the pickle grows past \(Self.maxStack) items") }
        for i in stride(from: 0, to: items.count, by: 2) {
            dict.items.append((items[i], items[i + 1]))
            dict.depth = max(dict.depth, 1 + max(items[i].depth, items[i + 1].depth))
        }
        guard dict.depth <= Self.maxDepth else { throw error(.limitExceeded, "the pickle nests containers more than \(Self.maxDepth) deep") }
    }

    /// Names of opcodes that exist in Python's pickle but that Kiso refuses, for messages.
    static let unsupportedNames: [UInt8: String] = [
        UInt8(ascii: "i"): "INST", UInt8(ascii: "o"): "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX",
        UInt8(ascii: "P"): "PERSID", UInt8(ascii: "Q"): "BINPERSID", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
        UInt8(ascii: "I"): "INT", UInt8(ascii: "L"): "LONG", UInt8(ascii: "S"): "STRING", UInt8(ascii: "V"): "UNICODE",
        UInt8(ascii: "F"): "FLOAT", UInt8(ascii: "p"): "PUT", UInt8(ascii: "g"): "GET",
        0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]
}
