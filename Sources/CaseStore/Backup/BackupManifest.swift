import Foundation

/// What a backup holds, written beside it as `<name>.json`: whose it is,
/// when it was made, the schema it has, how many rows each table held, the
/// audit seal at that moment, and the sha256 of the file as stored (the
/// encrypted file when encrypted). A copy of the seal outside the database
/// is what later catches a rewritten audit log.
public struct BackupManifest: Codable, Equatable, Sendable {
    /// Why the backup was made.
    public enum Kind: String, Codable, Sendable {
        /// The first login of a day.
        case daily
        /// Quitting after changes.
        case quit
        /// An admin asked for it (`komar backup`, or the backups screen).
        case manual
        /// The current file, kept before a restore replaced it.
        case beforeRestore = "before-restore"
    }

    public var format = 1
    public var organisation: String
    public var createdAt: Date
    public var kind: Kind
    /// The last migration the copy has.
    public var schemaVersion: String
    public var rowCounts: [String: Int]
    /// The audit log's seal in the copy ("count:hash12").
    public var auditSeal: String
    /// sha256 of the stored file, hex.
    public var sha256: String
    public var bytes: Int64
    public var encrypted: Bool
    /// The copy passed `integrity_check` and its row counts matched the
    /// database's when it was made.
    public var verified: Bool
    /// Who made it (the user logged in, or the admin on the command line).
    public var madeBy: String
    /// The database's own random identity (the setting `database_id`);
    /// nil in manifests made before it existed.
    public var databaseId: String?
    /// The name of the database file it was made from: `backups/` is shared
    /// by every database in one folder (an office's and its demo). Nil in
    /// manifests made before it was recorded; those count for any.
    public var databaseFile: String?

    public init(organisation: String, createdAt: Date, kind: Kind, schemaVersion: String, rowCounts: [String: Int],
                auditSeal: String, sha256: String, bytes: Int64, encrypted: Bool, verified: Bool, madeBy: String,
                databaseId: String? = nil, databaseFile: String? = nil) {
        self.organisation = organisation
        self.createdAt = createdAt
        self.kind = kind
        self.schemaVersion = schemaVersion
        self.rowCounts = rowCounts
        self.auditSeal = auditSeal
        self.sha256 = sha256
        self.bytes = bytes
        self.encrypted = encrypted
        self.verified = verified
        self.madeBy = madeBy
        self.databaseId = databaseId
        self.databaseFile = databaseFile
    }

    /// Whether it was made from the database at `path` (by file name).
    public func isOf(database path: String?) -> Bool {
        guard let databaseFile, let path else { return true }
        return databaseFile == URL(fileURLWithPath: path).lastPathComponent
    }

    static func read(_ url: URL) throws -> BackupManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(BackupManifest.self, from: Data(contentsOf: url))
    }

    func data() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// One backup as found on disk: its file and manifest.
public struct BackupEntry: Equatable, Sendable {
    public let file: URL
    public let manifest: BackupManifest

    public init(file: URL, manifest: BackupManifest) {
        self.file = file
        self.manifest = manifest
    }

    public var seal: AuditSeal? { AuditSeal(manifest.auditSeal) }
}
