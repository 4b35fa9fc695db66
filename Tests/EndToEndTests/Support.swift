import CaseDomain
import CaseStore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `komar` binary next to the test bundle (`swift test` builds it).
let komarBinary: URL = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/komar")
}()

/// The password `komar init` gives the admin in these tests.
let adminPassword = "office-admin-9"

/// The password `makeOffice` gives a user.
func passwordOf(_ username: String) -> String { "\(username)-rice-field" }

/// An office database with an admin and `users` (each with `passwordOf(_:)`,
/// not to be changed at login), made as `komar init` and an admin would.
func makeOffice(_ db: String, users: [(String, Role)], language: String = "en") throws {
    let created = try komar(["init", "--db", db, "--org", "NGO", "--admin", "admin", "--language", language],
                            input: adminPassword + "\n")
    guard created.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["stderr": created.stderr]) }
    let services = KomarServices(database: try AppDatabase.open(path: db))
    guard case .success(let admin) = try services.accounts.logIn(username: "admin", password: adminPassword) else {
        throw CocoaError(.userCancelled)
    }
    for (name, role) in users {
        try services.accounts.addUser(by: admin, username: name, displayName: name.capitalized, role: role,
                                      password: passwordOf(name), languageCode: language)
    }
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("komar-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a program to completion with `input` on stdin, through
/// `posix_spawn` and `waitpid`. (Foundation's `Process` on Linux waits on a
/// descriptor that a daemon started by the child, like tmux's server,
/// inherits, so it would never return.)
@discardableResult
func run(_ executable: String, _ arguments: [String], input: String = "",
         environment: [String: String] = ["LANG": "C.UTF-8"]) throws -> CommandResult {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let inPath = dir.appendingPathComponent("in").path
    let outPath = dir.appendingPathComponent("out").path
    let errPath = dir.appendingPathComponent("err").path
    try Data(input.utf8).write(to: URL(fileURLWithPath: inPath))
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "LC_ALL")
    for (k, v) in environment { env[k] = v }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    // Start the child with no blocked signals and default handlers: the test
    // runner's threads block some (SIGCHLD among them), and a tmux server
    // that inherits that never learns its program has exited.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t(), allSignals = sigset_t()
    sigemptyset(&noSignals)
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard spawned == 0 else { throw TmuxError(message: "cannot start \(executable): error \(spawned)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let out = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
    let err = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
    return CommandResult(status: exitStatus, stdout: String(decoding: out, as: UTF8.self),
                         stderr: String(decoding: err, as: UTF8.self))
}

func komar(_ arguments: [String], input: String = "", environment: [String: String] = ["LANG": "C.UTF-8"]) throws
    -> CommandResult {
    try run(komarBinary.path, arguments, input: input, environment: environment)
}

/// A tmux server of our own (its own socket, no user config, no escape
/// delay) running one program in an 80×24 window.
final class TmuxSession {
    let socket = "komar-e2e-\(UUID().uuidString.prefix(8))"
    let tmux = "/usr/bin/tmux"

    init(command: String, width: Int = 80, height: Int = 24) throws {
        try call(["-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "\(width)", "-y", "\(height)", command])
        try call(["set-option", "-g", "escape-time", "0"])
        try call(["set-option", "-g", "remain-on-exit", "on"])
    }

    deinit { _ = try? call(["kill-server"]) }

    @discardableResult
    func call(_ arguments: [String]) throws -> String {
        let result = try run(tmux, ["-L", socket] + arguments, environment: ["LANG": "C.UTF-8"])
        guard result.status == 0 else { throw TmuxError(message: result.stderr) }
        return result.stdout
    }

    /// Types literal text; Khmer is sent code point by code point as a
    /// Khmer keyboard would.
    func type(_ text: String) throws { try call(["send-keys", "-t", "e2e", "-l", text]) }

    /// Sends named keys: Enter, Tab, BTab, Escape, F2, Down, Space…
    func press(_ keys: String...) throws {
        for key in keys { try call(["send-keys", "-t", "e2e", key]) }
    }

    func screen() throws -> String { try call(["capture-pane", "-p", "-t", "e2e"]) }

    /// Types a username and password at the login screen (labelled
    /// `prompt`, English by default) and waits for `expecting`.
    @discardableResult
    func logIn(_ username: String, password: String, expecting: String, prompt: String = "Username") throws -> String {
        try waitFor(prompt)
        try type(username)
        try press("Tab")
        try type(password)
        try press("Enter")
        return try waitFor(expecting)
    }

    /// Presses the number of the menu item that says `label`.
    func chooseMenuItem(_ label: String) throws {
        // A menu line is its number and its label; other lines may hold the label too.
        let line = try waitFor(label).split(separator: "\n").first {
            $0.contains(label) && ($0.split(separator: " ").first?.allSatisfy(\.isNumber) ?? false)
        } ?? ""
        guard let number = line.split(separator: " ").first else { throw TmuxError(message: "no menu item \(label)") }
        try type(String(number))
    }

    func format(_ name: String) throws -> String {
        try call(["display-message", "-p", "-t", "e2e", "#{\(name)}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen until it shows `text` (the program hashes passwords
    /// and opens files, so screens change asynchronously).
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TmuxError(message: "timed out waiting for “\(text)”; screen was:\n\(last)")
    }

}

struct TmuxError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Shell-quotes one argument.
/// komar on `db` under a shell that reports its exit status on the screen
/// (the shell, not tmux, reaps it).
func komarCommand(_ db: String) -> String {
    let inner = "\(quoted(komarBinary.path)) --db \(quoted(db)); echo \"komar exited with $?\"; sleep 30"
    return "env LANG=C.UTF-8 TERM=xterm-256color sh -c \(quoted(inner))"
}

func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
