import CaseDomain
import Foundation
import GRDB

/// The folder an office's changes also go to every day (a folder shared
/// with head office, or a USB stick carried there), set by an admin. The
/// day's export then runs with the daily automatic backup, at whoever's
/// first login of the day, so files reach head office without an admin.
extension SyncService {
    static let sharedFolderSetting = "sync_shared_folder"

    /// The shared folder an admin set, if any.
    public func sharedFolder() throws -> URL? {
        try store.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [Self.sharedFolderSetting])
        }.flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
    }

    /// Sets (or, with nil, clears) the shared folder; admins only, at an
    /// office, audited. The path must be absolute: the daily export runs
    /// from wherever Komar was started.
    public func setSharedFolder(_ session: Session, _ path: String?) throws {
        try session.require(.manageSettings)
        if let path, !path.hasPrefix("/") { throw SyncError.cannotWrite(path: path, detail: "give the folder's full path") }
        try store.write { db in
            guard let identity = try OfficeIdentity.read(db), identity.kind == .office else { throw SyncError.notAnOffice }
            if let path {
                try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                               arguments: [Self.sharedFolderSetting, path])
            } else {
                try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [Self.sharedFolderSetting])
            }
            try store.audit(db, session, .update, entity: "setting",
                            summary: "\(Self.sharedFolderSetting): \(path ?? "(none)")")
        }
    }

    /// The day's export into the shared folder, when this is an office
    /// with one set and no file went out today; nil otherwise. A folder
    /// that is not there (a drive not connected) is never made: the export
    /// waits for the next day, or an admin's `komar sync export`.
    public func exportIfDue(_ session: Session) throws -> SyncExportReport? {
        guard let folder = try sharedFolder() else { return nil }
        let today = store.today.iso
        let due = try store.read { db -> Bool in
            guard let identity = try OfficeIdentity.read(db), identity.kind == .office else { return false }
            let sentToday = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM sync_file WHERE direction = 'out' AND file_name LIKE ?)
                """, arguments: ["%-\(today).\(SyncFile.fileExtension)"]) ?? false
            return !sentToday
        }
        guard due else { return nil }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SyncError.sharedFolderMissing(path: folder.path)
        }
        return try write(session, to: folder)
    }
}
