import Foundation

/// Reads a password from standard input: one line, without echo when it is
/// a terminal.
func readPassword(prompt: String, what: String = "password") throws -> String {
    let interactive = isatty(0) != 0
    var saved = termios()
    if interactive {
        FileHandle.standardError.write(Data(prompt.utf8))
        tcgetattr(0, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSANOW, &quiet)
    }
    let line = readLine(strippingNewline: true)
    if interactive {
        tcsetattr(0, TCSANOW, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    guard let line, !line.isEmpty else { throw Failure("no \(what) given on standard input") }
    return line
}

/// Reads a new password: the next line of standard input, or asked twice
/// without echo on a terminal (the two must match).
func readNewPassword(for username: String) throws -> String {
    let password = try readPassword(prompt: "New password for \(username): ")
    if isatty(0) != 0 {
        let again = try readPassword(prompt: "The new password again: ")
        guard again == password else { throw Failure("the two new passwords are not the same") }
    }
    return password
}
