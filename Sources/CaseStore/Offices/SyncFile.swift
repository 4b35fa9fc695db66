import Crypto
import Foundation

/// What a sync file says of itself, readable without the key but
/// authenticated by it: which office wrote it, its number in that office's
/// sequence, the schema it was written with, and what the office held when
/// it wrote it, so head office can check its copy after applying.
public struct SyncManifest: Codable, Equatable, Sendable {
    public var format = 1
    public var office: String
    public var officeNumber: Int64
    public var headOfficeId: String
    public var sequence: Int
    public var schemaVersion: Int
    public var writtenAt: Date
    /// Rows per shared table at the office when the file was written.
    public var rowCounts: [String: Int]
    public var changes: Int
    public var auditSeal: String
    /// SHA-256 of the sealed content, in hex.
    public var sha256: String
    /// Set in a file head office writes to rebuild a lost office: all it
    /// holds of the office. Such a file is never applied at head office.
    public var rebuild: Bool? = nil
    /// In a rebuild file: per table, the highest key of the office's that
    /// head office has seen; the rebuilt office's new keys start above.
    public var keyFloors: [String: Int64]? = nil
}

/// One person of an office, as head office gets them: never a password.
struct SyncUser: Codable, Equatable, Sendable {
    var id: Int64
    var username: String
    var displayName: String
    var role: String
    var isActive: Bool
}

/// What a sync file carries under encryption: the office's people and the
/// changeset.
struct SyncContent: Sendable {
    var users: [SyncUser]
    var changeset: Data

    func encoded() throws -> Data {
        let people = try JSONEncoder().encode(users)
        var data = SyncFile.bigEndian(UInt32(people.count))
        data.append(people)
        data.append(changeset)
        return data
    }

    init(users: [SyncUser], changeset: Data) {
        self.users = users
        self.changeset = changeset
    }

    init(decoding data: Data) throws {
        guard data.count >= 4 else { throw SyncFileError.damaged }
        let length = Int(SyncFile.readUInt32(data, at: 0))
        guard data.count >= 4 + length else { throw SyncFileError.damaged }
        let start = data.startIndex
        users = try JSONDecoder().decode([SyncUser].self, from: data.subdata(in: (start + 4)..<(start + 4 + length)))
        // A slice, not a copy: a first file's changes are a hundred megabytes.
        changeset = data[(start + 4 + length)...]
    }
}

/// Why a sync file or an enrolment file could not be read.
public enum SyncFileError: Error, Equatable, Sendable {
    /// Not a Komar sync file, or cut short.
    case damaged
    /// The key does not open it: it was changed, or is not from that office.
    case notAuthentic
}

/// A sync file: "KOMAR-SYNC 1\n", the manifest's length (4 bytes) and the
/// manifest as JSON, then the content sealed with AES-256-GCM under the
/// office's key, the manifest as associated data (so neither can be
/// changed, or moved to another file, unseen).
enum SyncFile {
    static let magic = Data("KOMAR-SYNC 1\n".utf8)
    static let fileExtension = "komarsync"

    /// A file's two parts: what comes before the sealed content (the magic
    /// line, the manifest's length and the manifest), and the content
    /// sealed. Written one after the other, never joined: an office's
    /// first file is hundreds of megabytes.
    struct Parts {
        let head: Data
        let sealed: Data

        var count: Int { head.count + sealed.count }

        /// The file's bytes in `range`.
        func bytes(_ range: Range<Int>) -> Data {
            var out = Data()
            if range.lowerBound < head.count {
                out.append(head[(head.startIndex + range.lowerBound)..<(head.startIndex + min(head.count, range.upperBound))])
            }
            if range.upperBound > head.count {
                let lower = max(range.lowerBound, head.count) - head.count
                out.append(sealed[(sealed.startIndex + lower)..<(sealed.startIndex + range.upperBound - head.count)])
            }
            return out
        }
    }

    static func seal(_ manifest: SyncManifest, _ content: Data, key: SymmetricKey) throws -> Parts {
        let manifestBytes = try manifestData(manifest)
        var head = magic
        head.append(bigEndian(UInt32(manifestBytes.count)))
        head.append(manifestBytes)
        guard let sealed = try AES.GCM.seal(content, using: key, authenticating: manifestBytes).combined else {
            throw SyncFileError.damaged
        }
        return Parts(head: head, sealed: sealed)
    }

    /// Writes `parts` to `url` atomically, then reads the file back a
    /// mebibyte at a time and compares it with what was sealed: a file
    /// the disk did not keep as written is an error, not a sent file.
    static func write(_ parts: Parts, to url: URL) throws {
        try AtomicFile.writing(to: url) { handle in
            try handle.write(contentsOf: parts.head)
            try handle.write(contentsOf: parts.sealed)
        }
        let handle = try FileHandle(forReadingFrom: url)
        // Closing a handle that only read loses nothing; what it read is judged below.
        defer { try? handle.close() }
        var offset = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            guard offset + chunk.count <= parts.count, chunk == parts.bytes(offset..<(offset + chunk.count)) else {
                throw SyncFileError.damaged
            }
            offset += chunk.count
        }
        guard offset == parts.count else { throw SyncFileError.damaged }
    }

    /// The manifest alone, before the key is known.
    static func manifest(_ data: Data) throws -> SyncManifest {
        try decodeManifest(parts(data).head)
    }

    /// A manifest that is not one (bytes changed in it, say) makes the file damaged.
    private static func decodeManifest(_ head: Data) throws -> SyncManifest {
        do { return try JSONDecoder.sync.decode(SyncManifest.self, from: head) } catch { throw SyncFileError.damaged }
    }

    /// The manifest and the content, checked against `key` and the
    /// manifest's checksum.
    static func open(_ data: Data, key: SymmetricKey) throws -> (SyncManifest, Data) {
        let (head, sealed) = try parts(data)
        let manifest = try decodeManifest(head)
        let content: Data
        do {
            content = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: head)
        } catch {
            throw SyncFileError.notAuthentic
        }
        guard sha256(content) == manifest.sha256 else { throw SyncFileError.notAuthentic }
        return (manifest, content)
    }

    static func name(office: String, sequence: Int, date: String) -> String {
        String(format: "%@-%06d-%@.%@", office, sequence, date, fileExtension)
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    private static func parts(_ data: Data) throws -> (head: Data, sealed: Data) {
        let start = data.startIndex
        guard data.count > magic.count + 4, data.prefix(magic.count) == magic else { throw SyncFileError.damaged }
        let length = Int(readUInt32(data, at: magic.count))
        let headStart = start + magic.count + 4
        guard data.count >= magic.count + 4 + length + 28 else { throw SyncFileError.damaged }
        return (data.subdata(in: headStart..<(headStart + length)), data[(headStart + length)...])
    }

    private static func manifestData(_ manifest: SyncManifest) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(manifest)
    }

    static func bigEndian(_ value: UInt32) -> Data { withUnsafeBytes(of: value.bigEndian) { Data($0) } }

    static func readUInt32(_ data: Data, at offset: Int) -> UInt32 {
        data.subdata(in: (data.startIndex + offset)..<(data.startIndex + offset + 4)).reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// Head office's invitation to one office: its code and number, head
/// office's id, and the key the office's sync files are sealed with.
/// Whoever holds it can write files head office accepts as that office's:
/// carry it like a key.
public struct OfficeEnrolment: Codable, Equatable, Sendable {
    public var komar = "office-enrolment"
    public var format = 1
    public var code: String
    public var number: Int64
    public var name: String
    public var headOfficeId: String
    public var headOffice: String
    public var key: Data

    static func read(_ url: URL) throws -> OfficeEnrolment {
        // Unreadable, not JSON or not an enrolment: all are "not an enrolment file".
        guard let enrolment = try? JSONDecoder().decode(OfficeEnrolment.self, from: Data(contentsOf: url)),
              enrolment.komar == "office-enrolment", enrolment.format == 1, enrolment.key.count == 32 else {
            throw SyncFileError.damaged
        }
        return enrolment
    }
}

extension JSONDecoder {
    static var sync: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
