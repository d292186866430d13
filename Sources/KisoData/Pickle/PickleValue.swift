import Kiso

/// A value on the restricted pickle machine's stack. NumPy's callables are modelled as
/// data (`.global`), and "calling" them (REDUCE/BUILD) only assembles descriptions of
/// arrays — nothing from the file is ever executed.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// A tuple and its nesting depth (stored, so no check ever recurses).
    case tuple([PickleValue], depth: Int)
    case list(PickleList)
    case dict(PickleDict)
    case global(PickleGlobal)
    case array(PickleArray)
    case dtype(PickleDType)

    /// How deeply containers nest inside this value (0 for scalars).
    var depth: Int {
        switch self {
        case let .tuple(_, depth): return depth
        case let .list(l): return l.depth
        case let .dict(d): return d.depth
        default: return 0
        }
    }

    /// A short, non-recursive description for error messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "a bool"
        case .int: return "an int"
        case .float: return "a float"
        case .string: return "a string"
        case .bytes: return "bytes"
        case let .tuple(items, _): return "a tuple of \(items.count)"
        case .list: return "a list"
        case .dict: return "a dict"
        case let .global(g): return g.rawValue
        case .array: return "a NumPy array"
        case .dtype: return "a NumPy dtype"
        }
    }

    /// A tuple of `items`, one level deeper than the deepest item.
    static func makeTuple(_ items: [PickleValue]) -> PickleValue {
        .tuple(items, depth: 1 + (items.map(\.depth).max() ?? 0))
    }
}

/// A mutable list (APPEND mutates the object the memo also refers to).
final class PickleList {
    var items: [PickleValue] = []
    var depth = 1
}

/// A mutable dict with its insertion order.
final class PickleDict {
    var items: [(key: PickleValue, value: PickleValue)] = []
    var depth = 1
}

/// The only Python globals the reader accepts: what NumPy array pickles name.
enum PickleGlobal: String {
    case reconstruct = "numpy.core.multiarray._reconstruct"
    case ndarray = "numpy.ndarray"
    case dtype = "numpy.dtype"
    case frombuffer = "numpy.core.numeric._frombuffer"
    case scalar = "numpy.core.multiarray.scalar"
    case codecsEncode = "_codecs.encode"
    case orderedDict = "collections.OrderedDict"

    /// The whitelisted global `module.name` (NumPy 1.x `numpy.core` or NumPy 2 `numpy._core`), or `nil`.
    init?(module: String, name: String) {
        let normalized = module.hasPrefix("numpy._core.") ? "numpy.core." + module.dropFirst("numpy._core.".count) : module
        self.init(rawValue: "\(normalized).\(name)")
    }
}

/// `numpy.dtype(code)`, completed by BUILD with its byte order.
final class PickleDType {
    let code: String
    var byteOrder: String = "="
    init(code: String) { self.code = code }
}

/// An ndarray under construction: `_reconstruct` makes an empty one, BUILD fills it;
/// `_frombuffer` and `scalar` make complete ones.
final class PickleArray {
    var shape: [Int] = []
    var dtype: PickleDType?
    var fortranOrder = false
    var data: [UInt8]?
}
