/// The ZIP container of `.npz` files: members stored or deflated, with ZIP64 records as
/// NumPy's `zipfile` writes them. Reading checks every offset and size against the file,
/// rejects members that share bytes, inflates at most the declared size and verifies CRC-32.
enum ZipArchive {
    /// One member: its name and its uncompressed bytes.
    typealias Member = (name: String, bytes: [UInt8])

    /// Most members Kiso reads from one archive.
    static let maxMembers = 65_535

    private static let localSignature: UInt32 = 0x0403_4B50
    private static let centralSignature: UInt32 = 0x0201_4B50
    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    /// The members of the archive `bytes`, in central-directory order.
    /// - Throws: `FileFormatError` (`.badMagic`, `.truncated`, `.offsetsOutOfRange`,
    ///   `.badLayout`, `.unsupportedFeature`, `.corrupt`, `.limitExceeded`).
    static func read(_ bytes: [UInt8], file: String) throws -> [Member] {
        let (count, directoryOffset, directorySize) = try findDirectory(bytes, file: file)
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw FileFormatError(.offsetsOutOfRange, "the zip central directory lies outside the file", file: file)
        }
        guard count <= maxMembers, count <= directorySize / 46 + 1 else {
            throw FileFormatError(.limitExceeded, "the zip archive declares \(count) members, more than its directory can hold", file: file)
        }
        var reader = ByteReader(bytes, file: file, offset: directoryOffset)
        var members: [Member] = []
        var spans: [(range: Range<Int>, name: String)] = []
        for _ in 0..<count {
            guard try reader.u32("a zip directory entry") == centralSignature else {
                throw FileFormatError(.corrupt, "a zip central directory entry has a bad signature", file: file)
            }
            reader.offset += 4
            let flags = try reader.u16("a zip directory entry")
            let method = try reader.u16("a zip directory entry")
            reader.offset += 4
            let crc = try reader.u32("a zip directory entry")
            var compressedSize = UInt64(try reader.u32("a zip directory entry"))
            var size = UInt64(try reader.u32("a zip directory entry"))
            let nameLength = Int(try reader.u16("a zip directory entry"))
            let extraLength = Int(try reader.u16("a zip directory entry"))
            let commentLength = Int(try reader.u16("a zip directory entry"))
            reader.offset += 8
            var localOffset = UInt64(try reader.u32("a zip directory entry"))
            let nameBytes = try reader.take(nameLength, "a zip member name")
            var extra = ByteReader(Array(try reader.take(extraLength, "a zip extra field")), file: file)
            _ = try reader.take(commentLength, "a zip member comment")
            let name = String(decoding: nameBytes, as: UTF8.self)
            let shown = printable(name)

            // ZIP64: the 32-bit fields that are all ones live in the 0x0001 extra field, in this order.
            while extra.remaining >= 4 {
                let id = try extra.u16("a zip extra field"), length = Int(try extra.u16("a zip extra field"))
                var field = ByteReader(Array(try extra.take(length, "a zip extra field")), file: file)
                guard id == 0x0001 else { continue }
                if size == 0xFFFF_FFFF { size = try field.u64("a ZIP64 size") }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try field.u64("a ZIP64 size") }
                if localOffset == 0xFFFF_FFFF { localOffset = try field.u64("a ZIP64 offset") }
            }
            guard flags & 1 == 0 else {
                throw FileFormatError(.unsupportedFeature, "zip member '\(shown)' is encrypted", file: file)
            }
            guard method == 0 || method == 8 else {
                throw FileFormatError(.unsupportedFeature, "zip member '\(shown)' uses compression method \(method) (Kiso reads stored and deflated members)", file: file)
            }
            guard localOffset <= UInt64(bytes.count), compressedSize <= UInt64(bytes.count), size <= UInt64(Int.max / 2) else {
                throw FileFormatError(.offsetsOutOfRange, "zip member '\(shown)' points outside the file", file: file)
            }
            var local = ByteReader(bytes, file: file, offset: Int(localOffset))
            guard try local.u32("a zip local header") == localSignature else {
                throw FileFormatError(.corrupt, "zip member '\(shown)' has no local header at offset \(localOffset)", file: file)
            }
            local.offset += 22
            let localNameLength = Int(try local.u16("a zip local header"))
            let localExtraLength = Int(try local.u16("a zip local header"))
            _ = try local.take(localNameLength + localExtraLength, "a zip local header")
            let data = try local.range(Int(compressedSize), "the data of zip member '\(shown)'")
            spans.append((Int(localOffset)..<data.upperBound, name))

            let content: [UInt8]
            if method == 0 {
                guard compressedSize == size else {
                    throw FileFormatError(.corrupt, "stored zip member '\(shown)' declares \(size) bytes but holds \(compressedSize)", file: file)
                }
                content = Array(bytes[data])
            } else {
                do {
                    // One byte of slack so a stream that ends exactly at the declared size is not cut short.
                    content = try Zlib.inflate(bytes[data], format: .raw, expectedSize: Int(size), limit: Int(size) + 1)
                } catch {
                    throw FileFormatError(.corrupt, "zip member '\(shown)' does not inflate: \(error)", file: file)
                }
                guard content.count == Int(size) else {
                    throw FileFormatError(.corrupt, "zip member '\(shown)' inflates to \(content.count) bytes, not the declared \(size)", file: file)
                }
            }
            guard Zlib.crc32(content) == crc else {
                throw FileFormatError(.corrupt, "zip member '\(shown)' fails its CRC-32 check", file: file)
            }
            members.append((name, content))
        }
        // Members that share bytes are the trick of "overlapping" zip bombs; real archives never do it.
        let sorted = spans.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw FileFormatError(.badLayout, "zip members '\(printable(a.name))' and '\(printable(b.name))' overlap", file: file)
        }
        return members
    }

    /// Finds the end-of-central-directory record (searching back over a possible comment)
    /// and, when present, its ZIP64 counterpart.
    private static func findDirectory(_ bytes: [UInt8], file: String) throws -> (count: Int, offset: Int, size: Int) {
        guard bytes.count >= 22 else {
            throw FileFormatError(.truncated, "the file is too short (\(bytes.count) bytes) to be a zip archive", file: file)
        }
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        var reader = ByteReader(bytes, file: file)
        while true {
            reader.offset = position
            if try reader.u32("the zip end record") == endSignature { break }
            guard position > lowest else {
                throw FileFormatError(.badMagic, "not a zip archive (no end-of-central-directory record)", file: file)
            }
            position -= 1
        }
        reader.offset = position + 10
        var count = UInt64(try reader.u16("the zip end record"))
        var size = UInt64(try reader.u32("the zip end record"))
        var offset = UInt64(try reader.u32("the zip end record"))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF, position >= 20 {
            var locator = ByteReader(bytes, file: file, offset: position - 20)
            if try locator.u32("the ZIP64 locator") == zip64LocatorSignature {
                locator.offset += 4
                let recordOffset = try locator.u64("the ZIP64 locator")
                guard recordOffset < UInt64(bytes.count) else {
                    throw FileFormatError(.offsetsOutOfRange, "the ZIP64 end record lies outside the file", file: file)
                }
                var record = ByteReader(bytes, file: file, offset: Int(recordOffset))
                guard try record.u32("the ZIP64 end record") == zip64EndSignature else {
                    throw FileFormatError(.corrupt, "the ZIP64 end record has a bad signature", file: file)
                }
                record.offset += 28
                count = try record.u64("the ZIP64 end record")
                size = try record.u64("the ZIP64 end record")
                offset = try record.u64("the ZIP64 end record")
            }
        }
        guard count <= UInt64(maxMembers), size <= UInt64(bytes.count), offset <= UInt64(bytes.count) else {
            throw FileFormatError(.offsetsOutOfRange, "the zip end record declares a directory outside the file", file: file)
        }
        return (Int(count), Int(offset), Int(size))
    }

    /// A zip archive of `members`, each stored (`compress == false`) or deflated.
    /// - Throws: `FileFormatError(.tooLarge)` past the classic format's 4 GiB / 65535-member limits.
    static func write(_ members: [Member], compress: Bool, file: String) throws -> [UInt8] {
        guard members.count < 0xFFFF else {
            throw FileFormatError(.tooLarge, "\(members.count) arrays exceed the zip limit of 65534", file: file)
        }
        var out: [UInt8] = []
        var directory: [UInt8] = []
        func put16(_ v: Int, _ buffer: inout [UInt8]) { buffer += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func put32(_ v: UInt32, _ buffer: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { buffer += $0 } }
        for (name, content) in members {
            let data = compress ? Zlib.deflate(content, format: .raw) : content
            let nameBytes = Array(name.utf8)
            guard content.count < 0xFFFF_FFFF, out.count < 0xFFFF_FFFF - data.count - 30 - nameBytes.count else {
                throw FileFormatError(.tooLarge, "the archive would exceed the 4 GiB limit of the classic zip format", file: file)
            }
            let crc = Zlib.crc32(content)
            let offset = UInt32(out.count)
            // Shared fields: version needed 2.0, flags 0 (bit 11: UTF-8 names), method, time 0, date 1980-01-01.
            var common: [UInt8] = []
            put16(20, &common); put16(0x0800, &common); put16(compress ? 8 : 0, &common)
            put16(0, &common); put16(0x21, &common)
            put32(crc, &common); put32(UInt32(data.count), &common); put32(UInt32(content.count), &common)
            put16(nameBytes.count, &common); put16(0, &common)

            put32(localSignature, &out)
            out += common + nameBytes + data

            put32(centralSignature, &directory)
            put16(0x0314, &directory)        // made by: Unix, spec 2.0
            directory += common
            put16(0, &directory); put16(0, &directory); put16(0, &directory)   // comment, disk, internal attributes
            put32(0o100644 << 16, &directory)                                  // external: regular file, rw-r--r--
            put32(offset, &directory)
            directory += nameBytes
        }
        let directoryOffset = UInt32(out.count)
        out += directory
        put32(endSignature, &out)
        put16(0, &out); put16(0, &out)
        put16(members.count, &out); put16(members.count, &out)
        put32(UInt32(directory.count), &out); put32(directoryOffset, &out)
        put16(0, &out)
        return out
    }
}
