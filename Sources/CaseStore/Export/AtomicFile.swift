import Foundation

/// The export file could not be written (no such folder, no permission,
/// disk full); `detail` is the system's own words.
public struct ExportFailed: Error, Equatable, Sendable {
    public let path: String
    public let detail: String
    /// The system's error number, when there is one.
    public var code: Int32?

    /// What went wrong, for a message in the user's language.
    public enum Reason: Sendable {
        case noFolder, noPermission, diskFull, readOnly, other
    }

    public var reason: Reason {
        switch code {
        case ENOENT, ENOTDIR: .noFolder
        case EACCES, EPERM, EISDIR: .noPermission
        case ENOSPC, EDQUOT: .diskFull
        case EROFS: .readOnly
        default: .other
        }
    }

    init(path: String, detail: String, code: Int32? = nil) {
        self.path = path
        self.detail = detail
        self.code = code
    }

    init(path: String, error: any Error) {
        let nsError = error as NSError
        let posix = (nsError.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap {
            $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil
        } ?? (nsError.domain == NSPOSIXErrorDomain ? Int32(nsError.code) : nil)
        self.init(path: path, detail: nsError.localizedDescription, code: posix)
    }
}

/// CSV text as spreadsheets read it: RFC 4180 quoting, CRLF line ends, and
/// cells that would start a formula in Excel (= + - @) prefixed with an
/// apostrophe so a name or note can never run as one.
public enum CSV {
    /// UTF-8 byte-order mark: without it Excel reads UTF-8 as the local
    /// code page and Khmer turns into mojibake.
    public static let byteOrderMark = "\u{FEFF}"

    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@".unicodeScalars.contains(first), Double(text) == nil {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ cells: [String]) -> String { cells.map(cell).joined(separator: ",") + "\r\n" }
}

/// A file written whole or not at all: into a hidden owner-only file beside
/// it, flushed to the disk, then renamed over it. A full disk, a missing
/// folder or a killed program never leaves half a file under the name.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        try writing(to: url) { try $0.write(contentsOf: data) }
    }

    /// Opens the temporary file for `body`; renames it to `url` once `body`
    /// and the flush succeed, removes it otherwise. File-system failures
    /// come back as `ExportFailed` with the system's words.
    static func writing(to url: URL, _ body: (FileHandle) throws -> Void) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent("." + url.lastPathComponent + ".\(getpid()).part")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil,
                                             attributes: [.posixPermissions: 0o600]) else {
            throw ExportFailed(path: url.path, detail: String(cString: strerror(errno)), code: errno)
        }
        func discard() { _ = unlink(temporary.path) }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { _ = try? handle.close() }
            try body(handle)
            try handle.synchronize()
        } catch let error as StoreError {
            discard()
            throw error
        } catch {
            discard()
            throw ExportFailed(path: url.path, error: error)
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            discard()
            throw ExportFailed(path: url.path, detail: String(cString: strerror(code)), code: code)
        }
    }
}
