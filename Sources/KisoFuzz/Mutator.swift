import Kiso

/// Seeded byte-level mutations: bit flips, interesting bytes and integers (little- and
/// big-endian length fields), inserts, deletes, duplicated and repeated ranges, format
/// tokens, edits of ASCII numbers, truncation and splices of two inputs.
struct Mutator {
    var rng: RandomGenerator
    let tokens: [[UInt8]]
    let maxLength: Int

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : rng.nextInt(below: n) }

    /// `input` with 1–4 stacked mutations; `other` is a second corpus entry for splicing.
    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            mutateOnce(&bytes, other: other)
            if bytes.count > maxLength { bytes.removeSubrange(maxLength...) }
        }
        return bytes
    }

    private mutating func interestingInteger(_ size: Int, _ count: Int) -> UInt64 {
        let choices: [UInt64] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
                                 1 << 32, UInt64(Int64.max), UInt64.max, UInt64(count), UInt64(max(count - 1, 0)), UInt64(count + 1),
                                 UInt64(below(64))]
        let v = choices[below(choices.count)]
        return size == 8 ? v : v & ((1 << UInt64(8 * size)) - 1)
    }

    private mutating func mutateOnce(_ bytes: inout [UInt8], other: [UInt8]) {
        let n = bytes.count
        switch below(12) {
        case 0 where n > 0:                                          // flip a bit
            bytes[below(n)] ^= 1 << UInt8(below(8))
        case 1 where n > 0:                                          // an interesting byte
            bytes[below(n)] = [0, 1, 0x7F, 0x80, 0xFF, UInt8(below(256))][below(6)]
        case 2:                                                      // insert random bytes
            let count = 1 + below(16)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(below(256)) }, at: below(n + 1))
        case 3 where n > 0:                                          // delete a range
            let start = below(n)
            bytes.removeSubrange(start..<min(n, start + 1 + below(64)))
        case 4 where n > 0:                                          // duplicate a range
            let start = below(n), end = min(n, start + 1 + below(64))
            bytes.insert(contentsOf: bytes[start..<end], at: below(n + 1))
        case 5:                                                      // an interesting integer, LE or BE
            let size = [1, 2, 4, 8][below(4)]
            guard n >= size else { return }
            let at = below(n - size + 1)
            let v = interestingInteger(size, n)
            let bigEndian = below(2) == 0
            for i in 0..<size {
                let shift = UInt64(8 * (bigEndian ? size - 1 - i : i))
                bytes[at + i] = UInt8(truncatingIfNeeded: v >> shift)
            }
        case 6 where !tokens.isEmpty:                                // insert or overwrite a token
            let token = tokens[below(tokens.count)]
            let at = below(n + 1)
            if below(2) == 0 || at + token.count > n { bytes.insert(contentsOf: token, at: at) }
            else { bytes.replaceSubrange(at..<(at + token.count), with: token) }
        case 7:                                                      // edit an ASCII number
            let digits = (0..<n).filter { (48...57).contains(bytes[$0]) }
            guard let pick = digits.isEmpty ? nil : digits[below(digits.count)] else { return }
            var end = pick
            while end < n, (48...57).contains(bytes[end]) { end += 1 }
            let replacement = ["0", "1", "-1", "65535", "4294967296", "9223372036854775807", "99999999999999999999",
                               String(n), String(below(1000))][below(9)]
            bytes.replaceSubrange(pick..<end, with: Array(replacement.utf8))
        case 8 where n > 0:                                          // truncate
            bytes.removeSubrange(below(n)...)
        case 9 where !other.isEmpty:                                 // splice with another input
            let cut = below(n + 1), from = below(other.count)
            bytes = Array(bytes[..<cut]) + other[from...]
        case 10 where n > 0:                                         // repeat a short range many times
            let start = below(n), end = min(n, start + 1 + below(8))
            let times = [10, 100, 1000, 10_000][below(4)]
            let chunk = Array(bytes[start..<end])
            var repeated: [UInt8] = []
            repeated.reserveCapacity(chunk.count * times)
            for _ in 0..<times { repeated += chunk }
            bytes.insert(contentsOf: repeated, at: end)
        default:                                                     // overwrite a random byte
            if n > 0 { bytes[below(n)] = UInt8(below(256)) }
        }
    }
}
