import Foundation

/// Where Komar keeps its data and how the files are protected.
public enum DatabaseLocation {
    /// `$XDG_DATA_HOME/komar`, falling back to `~/.local/share/komar`.
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("komar")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/komar")
    }

    /// The database path: `--db`, else `KOMAR_DB`, else the data directory's
    /// `komar.sqlite`.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["KOMAR_DB"], !env.isEmpty { return env }
        return dataDirectory(environment: environment).appendingPathComponent("komar.sqlite").path
    }

    /// The demo database: in the data directory, never the real file.
    public static func demoPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        dataDirectory(environment: environment).appendingPathComponent("komar-demo.sqlite").path
    }

    /// Creates the file's directory (0700 when new) and the file itself
    /// (0600) so SQLite's WAL and SHM files inherit owner-only permissions.
    public static func prepareFile(at path: String) throws {
        let fm = FileManager.default
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty && !fm.fileExists(atPath: dir) {
            do {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                       attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotOpen(path: path, detail: error.localizedDescription)
            }
        }
        if !fm.fileExists(atPath: path) {
            guard fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.cannotOpen(path: path, detail: "cannot create file")
            }
        } else if !fm.isReadableFile(atPath: path) || !fm.isWritableFile(atPath: path) {
            throw StoreError.cannotOpen(path: path, detail: "no read/write permission")
        }
    }
}
