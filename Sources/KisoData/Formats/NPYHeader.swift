/// The header of a `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (784, 50), }`.
struct NPYHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// The Python literal NumPy writes for this header (before padding).
    var literal: String {
        let dims = shape.map(String.init)
        let tuple = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(tuple), }"
    }

    /// Parses the header text; `nil`-free: any deviation is a `.malformedHeader` error with the reason.
    static func parse(_ text: String, file: String) throws -> NPYHeader {
        var lexer = PythonLiteralParser(Array(text.unicodeScalars))
        let value: PythonLiteralParser.Value
        do {
            value = try lexer.parse()
        } catch {
            throw FileFormatError(.malformedHeader, "the .npy header is not a Python dict literal: \(error.message)", file: file)
        }
        guard case let .dict(pairs) = value else {
            throw FileFormatError(.malformedHeader, "the .npy header is not a dict", file: file)
        }
        var descr: PythonLiteralParser.Value?, fortran: PythonLiteralParser.Value?, shape: PythonLiteralParser.Value?
        for (key, v) in pairs {
            switch key {
            case "descr" where descr == nil: descr = v
            case "fortran_order" where fortran == nil: fortran = v
            case "shape" where shape == nil: shape = v
            default: throw FileFormatError(.malformedHeader, "the .npy header has an unexpected or repeated key '\(printable(key))'", file: file)
            }
        }
        guard let descr, let fortran, let shape else {
            throw FileFormatError(.malformedHeader, "the .npy header lacks one of 'descr', 'fortran_order', 'shape'", file: file)
        }
        guard case let .string(d) = descr else {
            throw FileFormatError(.unsupportedDType, "the array has a structured dtype, which Kiso does not read (only plain numeric arrays)", file: file)
        }
        guard case let .bool(f) = fortran else {
            throw FileFormatError(.malformedHeader, "the .npy header's 'fortran_order' is not True or False", file: file)
        }
        guard case let .tuple(items) = shape else {
            throw FileFormatError(.malformedHeader, "the .npy header's 'shape' is not a tuple", file: file)
        }
        var dims: [Int] = []
        for item in items {
            guard case let .int(n) = item, n >= 0 else {
                throw FileFormatError(.malformedHeader, "the .npy header's 'shape' holds something other than non-negative integers", file: file)
            }
            dims.append(n)
        }
        return NPYHeader(descr: d, fortranOrder: f, shape: dims)
    }
}

/// The subset of Python literals in `.npy` headers: dicts with string keys, strings,
/// `True`/`False`/`None`, integers (with Python 2's `L` suffix) and tuples or lists of them.
struct PythonLiteralParser {
    indirect enum Value: Equatable {
        case dict([(String, Value)])
        case tuple([Value])
        case string(String)
        case int(Int)
        case bool(Bool)
        case none

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case let (.dict(x), .dict(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            case let (.tuple(x), .tuple(y)): return x == y
            case let (.string(x), .string(y)): return x == y
            case let (.int(x), .int(y)): return x == y
            case let (.bool(x), .bool(y)): return x == y
            case (.none, .none): return true
            default: return false
            }
        }
    }

    struct SyntaxError: Error { let message: String }

    let text: [Unicode.Scalar]
    var i = 0
    static let maxDepth = 16

    init(_ text: [Unicode.Scalar]) { self.text = text }

    /// One value followed only by whitespace.
    mutating func parse() throws(SyntaxError) -> Value {
        let v = try value(depth: 0)
        skipSpace()
        guard i == text.count else { throw SyntaxError(message: "unexpected text after the literal") }
        return v
    }

    private mutating func skipSpace() {
        while i < text.count, text[i] == " " || text[i] == "\n" || text[i] == "\t" || text[i] == "\r" { i += 1 }
    }

    private mutating func expect(_ c: Unicode.Scalar) -> Bool {
        skipSpace()
        guard i < text.count, text[i] == c else { return false }
        i += 1
        return true
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> Value {
        guard depth < Self.maxDepth else { throw SyntaxError(message: "nested too deeply") }
        skipSpace()
        guard i < text.count else { throw SyntaxError(message: "the text ends where a value was expected") }
        let c = text[i]
        switch c {
        case "{":
            i += 1
            var pairs: [(String, Value)] = []
            while !expect("}") {
                guard case let .string(key) = try value(depth: depth + 1) else { throw SyntaxError(message: "a dict key is not a string") }
                guard expect(":") else { throw SyntaxError(message: "expected ':' after a dict key") }
                pairs.append((key, try value(depth: depth + 1)))
                if !expect(",") {
                    guard expect("}") else { throw SyntaxError(message: "expected ',' or '}' in a dict") }
                    break
                }
            }
            return .dict(pairs)
        case "(", "[":
            let close: Unicode.Scalar = c == "(" ? ")" : "]"
            i += 1
            var items: [Value] = []
            while !expect(close) {
                items.append(try value(depth: depth + 1))
                if !expect(",") {
                    guard expect(close) else { throw SyntaxError(message: "expected ',' or '\(close)'") }
                    break
                }
            }
            return .tuple(items)
        case "'", "\"":
            i += 1
            var s = String.UnicodeScalarView()
            while true {
                guard i < text.count else { throw SyntaxError(message: "a string is not closed") }
                var ch = text[i]
                i += 1
                if ch == c { break }
                if ch == "\\" {
                    guard i < text.count else { throw SyntaxError(message: "a string is not closed") }
                    ch = text[i]
                    i += 1
                }
                s.append(ch)
            }
            return .string(String(s))
        case "0"..."9", "-", "+":
            let start = i
            i += 1
            while i < text.count, ("0"..."9").contains(text[i]) { i += 1 }
            let digits = String(String.UnicodeScalarView(text[start..<i]))
            if i < text.count, text[i] == "L" || text[i] == "l" { i += 1 }
            guard let n = Int(digits) else { throw SyntaxError(message: "the integer \(digits) is invalid or too large") }
            return .int(n)
        default:
            var word = ""
            while i < text.count, text[i].properties.isAlphabetic { word.unicodeScalars.append(text[i]); i += 1 }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default: throw SyntaxError(message: word.isEmpty ? "unexpected character '\(c)'" : "unexpected name '\(word)'")
            }
        }
    }
}
