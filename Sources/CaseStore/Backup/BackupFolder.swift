import Foundation

/// The `backups/` folder beside a database: owner-only (0700, files 0600),
/// one `.sqlite` (or `.sqlite.enc`) and one `.json` manifest per backup.
/// Automatic backups are thinned to the newest of each of the last 14 days
/// and of the last 12 months; backups made by hand are kept.
public enum BackupFolder {
    public static let keptDays = 14
    public static let keptMonths = 12

    /// `backups/` beside the database at `databasePath`.
    public static func url(besideDatabase databasePath: String) -> URL {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("backups")
    }

    /// Creates the folder (0700) if needed.
    static func prepare(_ folder: URL) throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: folder.path) {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// The backups of the database at `path` in `backups/` beside it,
    /// newest first.
    public static func list(besideDatabase path: String) -> [BackupEntry] {
        list(url(besideDatabase: path), of: path)
    }

    /// Every backup in `folder` with a readable manifest, newest first;
    /// with `databasePath`, only those made from that database (see
    /// `BackupManifest.databaseFile`).
    public static func list(_ folder: URL, of databasePath: String? = nil) -> [BackupEntry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.compactMap { name -> BackupEntry? in
            let manifestURL = folder.appendingPathComponent(name)
            guard let manifest = try? BackupManifest.read(manifestURL), manifest.isOf(database: databasePath) else {
                return nil
            }
            let base = String(name.dropLast(5))
            let file = folder.appendingPathComponent(base + (manifest.encrypted ? ".sqlite.enc" : ".sqlite"))
            guard FileManager.default.fileExists(atPath: file.path) else { return nil }
            return BackupEntry(file: file, manifest: manifest)
        }.sorted { $0.manifest.createdAt > $1.manifest.createdAt }
    }

    /// The backup files in `folder` that no list shows: their manifest is
    /// missing, or there but unreadable (damaged, or edited by hand). Without
    /// it a backup cannot be checked, so it is never offered for a restore;
    /// naming these keeps a damaged manifest from hiding a backup from the
    /// admin. An empty manifest is a backup still being made (or one killed,
    /// which `removeLeftovers` clears), not a damaged one. No folder: no
    /// backups; a folder that cannot be read throws, so the admin is told.
    public static func unreadable(in folder: URL) throws -> [URL] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder.path) else { return [] }
        return try fm.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("komar-") && ($0.hasSuffix(".sqlite") || $0.hasSuffix(".sqlite.enc")) }
            .map { folder.appendingPathComponent($0) }
            .filter { file in
                // A manifest that is not there, or cannot be read, is exactly what this finds.
                let manifest = manifestURL(for: file)
                guard let size = (try? fm.attributesOfItem(atPath: manifest.path))?[.size] as? Int else { return true }
                return size > 0 && (try? BackupManifest.read(manifest)) == nil
            }
            .sorted { $0.lastPathComponent > $1.lastPathComponent }
    }

    /// The newest verified backup of the database at `path` (a copy kept
    /// before a restore does not count: it may be the damaged file).
    public static func newestVerified(besideDatabase path: String) -> URL? {
        list(besideDatabase: path).first { $0.manifest.verified && $0.manifest.kind != .beforeRestore }?.file
    }

    /// The manifest that goes with a backup file.
    public static func manifestURL(for file: URL) -> URL {
        var name = file.lastPathComponent
        for suffix in [".enc", ".sqlite"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        return file.deletingLastPathComponent().appendingPathComponent(name + ".json")
    }

    /// A base name for a backup made at `date`, claimed in `folder` for
    /// this process: its manifest's name is created empty at once
    /// (`O_EXCL`), so two backups in the same second, in two windows or two
    /// commands, never write the same file; the second gets "-2". The
    /// empty manifest is replaced when the backup is done (a list skips
    /// it meanwhile); `release` removes it should the backup fail.
    static func claimBaseName(in folder: URL, _ date: Date, kind: BackupManifest.Kind) throws -> String {
        let base = baseName(date, kind: kind)
        for n in 1...1_000 {
            let name = n == 1 ? base : "\(base)-\(n)"
            let taken = [".sqlite", ".sqlite.enc"].contains { ending in
                FileManager.default.fileExists(atPath: folder.appendingPathComponent(name + ending).path)
            }
            if taken { continue }
            let descriptor = open(folder.appendingPathComponent(name + ".json").path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
            if descriptor >= 0 {
                close(descriptor)
                return name
            }
            guard errno == EEXIST else { throw BackupError.cannotWrite(String(cString: strerror(errno))) }
        }
        throw BackupError.cannotWrite("no free name for a backup in \(folder.path)")
    }

    /// Gives up a name `claimBaseName` claimed, when its backup failed.
    static func release(_ base: String, in folder: URL) {
        let manifest = folder.appendingPathComponent(base + ".json")
        // Only the empty claim: a manifest with content belongs to a finished backup.
        if (try? FileManager.default.attributesOfItem(atPath: manifest.path)[.size] as? Int) == 0 { _ = unlink(manifest.path) }
    }

    /// How old a part file or an empty claim must be before it counts as
    /// left by a backup that was killed: far longer than any backup takes.
    static let leftoverAge: TimeInterval = 3_600

    /// Removes what killed backups left in `folder`: part files (a whole
    /// plain copy, possibly), empty claims, and a copy renamed into place
    /// whose manifest was never written (it cannot be listed or checked).
    /// Only what is older than `leftoverAge`: a backup running in another
    /// window keeps its files. Best effort: a name or a date it cannot
    /// read leaves that file as it is, and never stops a backup.
    static func removeLeftovers(in folder: URL, now: Date = Date()) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
        func isOld(_ url: URL) -> Bool {
            guard let modified = (try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date else { return false }
            return now.timeIntervalSince(modified) > leftoverAge
        }
        for name in names {
            let url = folder.appendingPathComponent(name)
            if name.hasPrefix(".komar-") && (name.hasSuffix(".part") || name.hasSuffix(".part-journal")) && isOld(url) {
                _ = unlink(url.path)
            } else if name.hasPrefix("komar-") && name.hasSuffix(".json") && isOld(url),
                      (try? fm.attributesOfItem(atPath: url.path)[.size] as? Int) == 0 {
                let base = String(name.dropLast(5))
                for ending in [".json", ".sqlite", ".sqlite.enc"] {
                    _ = unlink(folder.appendingPathComponent(base + ending).path)
                }
            }
        }
    }

    /// Removes a backup this process made and no longer wants (a safety
    /// copy for a restore that was refused), with its manifest.
    static func remove(_ file: URL) {
        for path in [file.path, file.path + "-wal", manifestURL(for: file).path] { _ = unlink(path) }
    }

    static func baseName(_ date: Date, kind: BackupManifest.Kind) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: date)
        return String(format: "komar-%04d-%02d-%02d-%02d%02d%02d-%@", c.year!, c.month!, c.day!, c.hour!, c.minute!,
                      c.second!, kind.rawValue)
    }

    /// Thins the automatic backups of the database at `databasePath`: it
    /// keeps the first of each of the last 14 days with backups (the state
    /// a day began with, to undo a day's mistake such as a bad import), the
    /// first of each of the last 12 months, and the newest. A day's later
    /// backups go once a newer one is made. Returns the files removed.
    @discardableResult
    static func prune(_ folder: URL, of databasePath: String?) -> [URL] {
        let calendar = Calendar(identifier: .gregorian)
        let automatic = list(folder, of: databasePath).filter { $0.manifest.kind == .daily || $0.manifest.kind == .quit }
        var keep = Set(automatic.prefix(1).map(\.file))
        func keepFirst(of count: Int, by period: (DateComponents) -> DateComponents) {
            var firsts: [DateComponents: BackupEntry] = [:]
            var periods: [DateComponents] = []
            for entry in automatic {   // newest first: the last seen of a period is its first
                let key = period(calendar.dateComponents(in: .current, from: entry.manifest.createdAt))
                if firsts[key] == nil {
                    guard periods.count < count else { continue }
                    periods.append(key)
                }
                firsts[key] = entry
            }
            keep.formUnion(firsts.values.map(\.file))
        }
        keepFirst(of: keptDays) { DateComponents(year: $0.year, month: $0.month, day: $0.day) }
        keepFirst(of: keptMonths) { DateComponents(year: $0.year, month: $0.month) }
        var removed: [URL] = []
        for entry in automatic where !keep.contains(entry.file) {
            try? FileManager.default.removeItem(at: entry.file)
            try? FileManager.default.removeItem(at: manifestURL(for: entry.file))
            removed.append(entry.file)
        }
        return removed
    }
}

/// What is at a database path before Komar opens it, so an empty or
/// missing file is never mistaken for a new office when backups exist.
public enum DatabaseFileState: Equatable, Sendable {
    /// No file and no backups beside it: first-run setup may start.
    case new
    /// A file with content.
    case present
    /// A zero-byte file: something went wrong; restore the newest backup.
    case empty(newestBackup: URL?)
    /// No file, but backups beside where it was.
    case missing(newestBackup: URL)

    public static func inspect(_ path: String) -> DatabaseFileState {
        let fm = FileManager.default
        let newest = BackupFolder.newestVerified(besideDatabase: path)
        guard fm.fileExists(atPath: path) else { return newest.map { .missing(newestBackup: $0) } ?? .new }
        let size = (try? fm.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return size == 0 ? .empty(newestBackup: newest) : .present
    }
}
