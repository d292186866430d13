import Kiso

/// What the whitelisted NumPy globals mean, modelled as data: REDUCE and BUILD on them
/// assemble array descriptions (`PickleArray`, `PickleDType`) and check their arguments;
/// any other combination is an error.
enum NumPyModel {
    /// `callable(*args)` for the whitelisted globals. `byteBudget` is what `_codecs.encode` may
    /// still create (the file's size in all), so memo references cannot multiply memory.
    static func reduce(_ callable: PickleValue, _ args: PickleValue, byteBudget: inout Int, file: String) throws -> PickleValue {
        func bad(_ what: String) -> FileFormatError {
            FileFormatError(.unexpectedContent, "the pickle calls \(callable.kind) with \(what), which is not how NumPy pickles arrays", file: file)
        }
        guard case let .global(g) = callable else {
            throw FileFormatError(.unexpectedContent, "the pickle calls \(callable.kind), which is not a whitelisted NumPy function", file: file)
        }
        guard case let .tuple(a, _) = args else { throw bad("arguments that are not a tuple") }
        switch g {
        case .reconstruct:
            // _reconstruct(ndarray, (0,), b'b'): an empty array that BUILD fills in.
            guard a.count == 3, case .global(.ndarray) = a[0] else { throw bad("arguments other than (ndarray, shape, typecode)") }
            return .array(PickleArray())
        case .dtype:
            // dtype('f4', align, copy); the byte order arrives with BUILD.
            guard (1...3).contains(a.count), case let .string(code) = a[0] else { throw bad("arguments other than (typecode, align, copy)") }
            return .dtype(PickleDType(code: code))
        case .frombuffer:
            // _frombuffer(buffer, dtype, shape, order) — NumPy's protocol-5 form.
            guard a.count == 4, case let .bytes(data) = a[0], case let .dtype(dtype) = a[1],
                  case let .string(order) = a[3], order == "C" || order == "F" else {
                throw bad("arguments other than (buffer, dtype, shape, 'C' or 'F')")
            }
            let array = PickleArray()
            array.shape = try shape(a[2], file: file)
            array.dtype = dtype
            array.fortranOrder = order == "F"
            array.data = data
            return .array(array)
        case .scalar:
            // scalar(dtype, bytes): a 0-d array.
            guard a.count == 2, case let .dtype(dtype) = a[0], case let .bytes(data) = a[1] else { throw bad("arguments other than (dtype, bytes)") }
            let array = PickleArray()
            array.dtype = dtype
            array.data = data
            return .array(array)
        case .codecsEncode:
            // _codecs.encode(text, 'latin1'): how protocol 2 under Python 3 stores raw bytes.
            guard a.count == 2, case let .string(text) = a[0], case let .string(encoding) = a[1],
                  ["latin1", "latin-1", "iso-8859-1"].contains(encoding.lowercased()) else {
                throw bad("arguments other than (text, 'latin1')")
            }
            byteBudget -= text.utf8.count
            guard byteBudget >= 0 else {
                throw FileFormatError(.limitExceeded, "the pickle decodes more text to bytes than the file holds (shared data used many times)", file: file)
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.unicodeScalars.count)
            for u in text.unicodeScalars {
                guard u.value < 256 else { throw bad("text that is not latin-1") }
                bytes.append(UInt8(u.value))
            }
            return .bytes(bytes)
        case .orderedDict:
            guard a.isEmpty else { throw bad("arguments") }
            return .dict(PickleDict())
        case .ndarray:
            throw bad("arguments (ndarray is only a class for _reconstruct)")
        }
    }

    /// `object.__setstate__(state)` for arrays and dtypes.
    static func build(_ object: PickleValue, _ state: PickleValue, file: String) throws {
        func bad(_ what: String) -> FileFormatError {
            FileFormatError(.unexpectedContent, "the pickle sets the state of \(object.kind) to \(what)", file: file)
        }
        switch object {
        case let .dtype(dtype):
            // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
            guard case let .tuple(s, _) = state, s.count >= 5, case let .string(order) = s[1] else {
                throw bad("\(state.kind) instead of a dtype state tuple")
            }
            for i in 2...4 {
                guard case .none = s[i] else {
                    throw FileFormatError(.unsupportedDType, "the pickle holds a structured or sub-array dtype, which Kiso does not read", file: file)
                }
            }
            dtype.byteOrder = order
        case let .array(array):
            // (version, shape, dtype, is_fortran, data) or, in old pickles, without the version.
            guard case var .tuple(s, _) = state, s.count == 5 || s.count == 4 else {
                throw bad("\(state.kind) instead of an ndarray state tuple")
            }
            if s.count == 5 { s.removeFirst() }
            guard case let .dtype(dtype) = s[1] else { throw bad("a tuple whose dtype is \(s[1].kind)") }
            let fortran: Bool
            switch s[2] {
            case let .bool(b): fortran = b
            case let .int(i): fortran = i != 0
            default: throw bad("a tuple whose Fortran flag is \(s[2].kind)")
            }
            guard case let .bytes(data) = s[3] else {
                throw FileFormatError(.unsupportedDType, "the pickle holds an array whose data is \(s[3].kind) (an object array?), which Kiso does not read", file: file)
            }
            array.shape = try shape(s[0], file: file)
            array.dtype = dtype
            array.fortranOrder = fortran
            array.data = data
        default:
            throw bad("\(state.kind); only NumPy arrays and dtypes take a state")
        }
    }

    private static func shape(_ value: PickleValue, file: String) throws -> [Int] {
        guard case let .tuple(items, _) = value else {
            throw FileFormatError(.unexpectedContent, "an array's shape is \(value.kind), not a tuple", file: file)
        }
        return try items.map {
            guard case let .int(n) = $0, n >= 0 else {
                throw FileFormatError(.unexpectedContent, "an array's shape holds \($0.kind) that is not a non-negative integer", file: file)
            }
            return n
        }
    }

    /// The float32 tensor an assembled array describes, and its element type.
    /// - Throws: `FileFormatError` for an incomplete array, an unsupported dtype or a byte
    ///   length that disagrees with dtype × shape.
    static func tensor(_ array: PickleArray, name: String, file: String) throws -> (Tensor, DType) {
        guard let pickled = array.dtype, let data = array.data else {
            throw FileFormatError(.unexpectedContent, "array '\(printable(name))' is never given its shape and data", file: file)
        }
        guard let dtype = DType(numpyCode: pickled.code) else {
            throw FileFormatError(.unsupportedDType, "array '\(printable(name))' has dtype '\(printable(pickled.code))', which Kiso does not read (it reads \(DType.supportedNumpyCodes))", file: file)
        }
        guard ["<", ">", "|", "="].contains(pickled.byteOrder) else {
            throw FileFormatError(.unexpectedContent, "array '\(printable(name))' has byte order '\(printable(pickled.byteOrder))'", file: file)
        }
        guard let bytes = ShapeArithmetic.byteCount(array.shape, itemSize: dtype.byteSize), bytes == data.count else {
            throw FileFormatError(.sizeMismatch, "array '\(printable(name))' declares shape \(array.shape) of \(printable(pickled.code)) but holds \(data.count) bytes", file: file)
        }
        let bigEndian = pickled.byteOrder == ">"
        // Fortran order is C order of the reversed shape; transposing brings it back.
        let stored = array.fortranOrder ? Array(array.shape.reversed()) : array.shape
        var tensor = data.withUnsafeBytes { dtype.decode($0, shape: stored, bigEndian: bigEndian) }
        if array.fortranOrder && array.shape.count > 1 {
            tensor = tensor.transposed(Array((0..<stored.count).reversed()))
        }
        return (tensor, dtype)
    }
}
