import Foundation

/// A file a data set publishes: its name, size and SHA-256 digests.
public struct RemoteFile: Equatable, Sendable {
    /// The file name, e.g. `t10k-images-idx3-ubyte.gz`.
    public var name: String
    /// The size in bytes, when known (a download of another length is refused).
    public var size: Int?
    /// The SHA-256 of the file's bytes as published, 64 lowercase hexadecimal digits.
    public var sha256: String
    /// The SHA-256 of the decompressed contents, when the file is gzip-compressed and it is known:
    /// it identifies a copy compressed again by someone else (different .gz bytes, same data).
    public var contentSHA256: String?

    /// A file called `name` of `size` bytes with the given digests (hexadecimal).
    public init(name: String, size: Int? = nil, sha256: String, contentSHA256: String? = nil) {
        self.name = name
        self.size = size
        self.sha256 = sha256.lowercased()
        self.contentSHA256 = contentSHA256?.lowercased()
    }

    /// How a local copy compares with the published file.
    public enum Check: Equatable, Sendable {
        /// Byte for byte the published file.
        case publishedFile
        /// Different bytes (recompressed, or stored decompressed) but the same decompressed contents.
        case publishedContents
        /// Neither: another or a damaged file (its SHA-256, and its contents' when it is gzip).
        case different(sha256: String, contentSHA256: String?)
    }

    /// Compares `bytes` (a local copy of this file, gzip-compressed or not) with the published digests.
    /// - Throws: `ZlibError` when the copy is gzip but does not decompress.
    public func check<Bytes: ContiguousBytes>(_ bytes: Bytes) throws(ZlibError) -> Check {
        let digest = SHA256.hash(bytes).hex
        if digest == sha256 { return .publishedFile }
        if digest == contentSHA256 { return .publishedContents }   // stored decompressed
        guard Zlib.isGzip(bytes) else { return .different(sha256: digest, contentSHA256: nil) }
        let content = SHA256.hash(try Zlib.gunzip(bytes)).hex
        return content == contentSHA256 ? .publishedContents : .different(sha256: digest, contentSHA256: content)
    }
}
