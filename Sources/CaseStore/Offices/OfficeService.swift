import CaseDomain
import Crypto
import Foundation
import GRDB

/// Why an office could not be added, joined or made head office.
public enum OfficeError: Error, Equatable, Sendable {
    case invalidCode
    case codeTaken
    case nameRequired
    case notHeadOffice
    case alreadyJoined(code: String)
    case isHeadOffice
    case notEmpty
    /// Unsaved forms would point at the wrong records once keys move.
    case unsavedForms(count: Int)
    /// Komar is open in another terminal, which still uses the old keys.
    case otherTerminalsOpen(count: Int)
    case noOffices
    case unknownOffice(code: String)
}

/// An office as head office sees it: how far its files have come.
public struct OfficeStatus: Equatable, Sendable {
    public let number: Int64
    public let code: String
    public let name: String
    public let lastSequence: Int
    public let lastFileAt: Date?
    public let lastImportAt: Date?
    public let addedAt: Date?
    public let lastSeal: String
    /// Set when an import found the office's audit log rewritten or short.
    public let auditAlert: String
    public let openConflicts: Int

    /// Days without a file from an office before head office is warned.
    public static let lateAfterDays = 7

    /// Whole days since head office last applied a file of the office, or
    /// since it was added when none came yet; nil when neither is known.
    public func daysSinceImport(now: Date) -> Int? {
        (lastImportAt ?? addedAt).map { max(0, Int(now.timeIntervalSince($0) / 86_400)) }
    }

    /// Whether the office's files are late.
    public func isLate(now: Date) -> Bool { (daysSinceImport(now: now) ?? 0) > Self.lateAfterDays }
}

/// Offices and head office: head office adds offices (`add`), each office
/// joins once with the file it is given (`join`), and head office lists
/// them. Admins only.
public struct OfficeService: Sendable {
    let store: StoreContext

    /// This database's place among offices: nil for a lone office.
    public func identity() throws -> OfficeIdentity? { try store.read(OfficeIdentity.read) }

    /// The length of the longest office code this database knows (its own
    /// at an office, every office's at head office); nil when alone.
    public func longestCode() throws -> Int? {
        try store.read { db in try Int.fetchOne(db, sql: "SELECT MAX(length(code)) FROM office") }
    }

    /// Makes a database that was just set up, and holds nothing else, head
    /// office: its own keys move to the top range, above every office's.
    public func makeHeadOffice(code: String) throws {
        guard OfficeCode.isValid(code) else { throw OfficeError.invalidCode }
        try OfficeKeyShift.withoutForeignKeys(store.database) { db in
            guard try OfficeIdentity.read(db) == nil else { throw OfficeError.isHeadOffice }
            for table in ["child_case", "household", "provider", "referral"] {
                guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))")! else { throw OfficeError.notEmpty }
            }
            try OfficeKeyShift.run(db, office: OfficeKeys.headOffice, code: nil)
            try OfficeIdentity(kind: .headOffice, number: OfficeKeys.headOffice, code: code,
                               headOfficeId: UUID().uuidString.lowercased()).write(db)
            try AuditLog.append(db, at: store.now, userId: nil, username: "komar", action: .officeJoined,
                                summary: "head office \(code)")
        }
    }

    /// At head office: reserves the next office number for `code` and makes
    /// its enrolment, with a new random key for its files.
    public func add(_ session: Session, code: String, name: String) throws -> OfficeEnrolment {
        try session.require(.manageSettings)
        guard OfficeCode.isValid(code) else { throw OfficeError.invalidCode }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !TextRules.hasControlCharacters(name) else { throw OfficeError.nameRequired }
        return try store.write { db in
            guard let identity = try OfficeIdentity.read(db), identity.kind == .headOffice else {
                throw OfficeError.notHeadOffice
            }
            guard code != identity.code,
                  try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM office WHERE code = ?", arguments: [code]) == 0 else {
                throw OfficeError.codeTaken
            }
            let number = (try Int64.fetchOne(db, sql: "SELECT MAX(number) FROM office") ?? 0) + 1
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            try db.execute(sql: """
                INSERT INTO office (number, code, name, sync_key, added_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [number, code, name, key, store.now])
            try store.audit(db, session, .officeAdded, summary: "\(code) (\(number)) \(name)")
            return OfficeEnrolment(code: code, number: number, name: name, headOfficeId: identity.headOfficeId,
                                   headOffice: try AccountService.setting(db, "organisation") ?? "", key: key)
        }
    }

    /// Writes an enrolment to `url`, readable by its owner only.
    public static func write(_ enrolment: OfficeEnrolment, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(enrolment), to: url)
    }

    /// Reads an enrolment file made by `add`.
    public static func readEnrolment(_ url: URL) throws -> OfficeEnrolment { try OfficeEnrolment.read(url) }

    /// At a lone office: becomes the office `enrolment` names. Records
    /// already here move into the office's key range and their codes gain
    /// the office code (KC-2026-0001 becomes KC-PV1-2026-0001); the next
    /// export sends them all to head office. Returns the session with the
    /// user's new key.
    public func join(_ session: Session, _ enrolment: OfficeEnrolment) throws -> Session {
        try session.require(.manageSettings)
        guard OfficeCode.isValid(enrolment.code), OfficeKeys.officeNumbers.contains(enrolment.number) else {
            throw SyncFileError.damaged
        }
        let moved = Session(user: session.user.movedTo(enrolment.number))
        try OfficeKeyShift.withoutForeignKeys(store.database) { db in
            if let identity = try OfficeIdentity.read(db) {
                throw identity.kind == .headOffice ? OfficeError.isHeadOffice : OfficeError.alreadyJoined(code: identity.code)
            }
            let drafts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM form_draft") ?? 0
            guard drafts == 0 else { throw OfficeError.unsavedForms(count: drafts) }
            let others = try DraftService.otherProcessesTerminals(db, now: store.now)
            guard others.isEmpty else { throw OfficeError.otherTerminalsOpen(count: others.count) }
            try OfficeKeyShift.run(db, office: enrolment.number, code: enrolment.code)
            try OfficeIdentity(kind: .office, number: enrolment.number, code: enrolment.code,
                               headOfficeId: enrolment.headOfficeId).write(db)
            try db.execute(sql: """
                INSERT INTO office (number, code, name, sync_key, added_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [enrolment.number, enrolment.code, enrolment.name, enrolment.key, store.now])
            // The office works for head office's organisation: the title bar
            // and every report's footer name it, as at a rebuilt office.
            if !enrolment.headOffice.trimmingSpaces().isEmpty {
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('organisation', ?)",
                               arguments: [enrolment.headOffice])
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('version', ?)",
                               arguments: [String(try SettingsService.version(db) + 1)])
            }
            try store.audit(db, moved, .officeJoined,
                            summary: "\(enrolment.code) (\(enrolment.number)) of \(enrolment.headOffice)")
        }
        return moved
    }

    /// At head office: every office, in the order they were added.
    /// The offices head office knows, by number, for choosing one in a
    /// list's filter: anyone who sees every case may. None elsewhere (an
    /// office holds only its own row, and a lone office none).
    public func officeNames(_ session: Session) throws -> [(number: Int64, code: String, name: String)] {
        try session.require(.viewAllCases)
        return try store.read { db in
            guard try OfficeIdentity.read(db)?.kind == .headOffice else { return [] }
            return try Row.decodeAll(db, sql: "SELECT number, code, name FROM office ORDER BY code") { row in
                (row["number"], row["code"], row["name"])
            }
        }
    }

    public func offices(_ session: Session) throws -> [OfficeStatus] {
        try session.require(.manageSettings)
        return try store.read { db in
            try Row.decodeAll(db, sql: """
                SELECT o.*, (SELECT COUNT(*) FROM sync_conflict AS c WHERE c.office_number = o.number
                                                                     AND c.resolved_at IS NULL) AS open_conflicts
                FROM office AS o ORDER BY number
                """) { row in
                OfficeStatus(number: row["number"], code: row["code"], name: row["name"],
                             lastSequence: row["last_sequence"], lastFileAt: row["last_file_at"],
                             lastImportAt: row["last_import_at"], addedAt: row["added_at"], lastSeal: row["last_seal"],
                             auditAlert: row["audit_alert"], openConflicts: row["open_conflicts"])
            }
        }
    }
}

extension UserAccount {
    /// The same person once the office's keys moved into office `number`'s range.
    func movedTo(_ number: Int64) -> UserAccount {
        UserAccount(id: OfficeKeys.base(number) + OfficeKeys.local(id), username: username, displayName: displayName,
                    role: role, languageCode: languageCode, isActive: isActive, mustChangePassword: mustChangePassword)
    }
}
