import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// Why the real terminal could not be used; the command line prints the
/// message and exits non-zero instead of crashing.
public enum TerminalError: Error, Equatable, Sendable {
    case notUTF8(locale: String)
    case cannotStart(term: String)
    case notATerminal
}

/// The real terminal through ncursesw. Draws only rows that changed since
/// the previous frame, each as runs of same-styled text with
/// `mvwaddnwstr`, so ncurses splits Khmer into cells itself.
@MainActor
public final class NcursesBackend: TerminalBackend {
    private var screen: OpaquePointer?
    private let window: UnsafeMutablePointer<WINDOW>
    private var previous: Canvas?
    private var running = true
    private let decoder = KeyDecoder(codes: .ncurses)
    private var queued: [Key] = []
    private let hasColors: Bool
    /// How long `readKey` blocks before returning nil to let the loop poll.
    public var pollMilliseconds: Int32 = 250

    /// Sets the locale from the environment, refuses a non-UTF-8 one, and
    /// starts curses.
    public init() throws {
        _ = setlocale(LC_ALL, "")
        guard komar_locale_is_utf8() != 0 else {
            let name = String(cString: setlocale(LC_CTYPE, nil))
            throw TerminalError.notUTF8(locale: name)
        }
        guard isatty(0) != 0, isatty(1) != 0 else { throw TerminalError.notATerminal }
        // ncurses reports resizes only if SIGWINCH is at its default when it
        // starts; a launcher may have left it ignored or blocked.
        _ = signal(SIGWINCH, SIG_DFL)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGWINCH)
        for sig in SignalWatcher.watched { sigaddset(&unblock, sig) }
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        guard let scr = komar_newterm() else {
            let term = getenv("TERM").map { String(cString: $0) } ?? ""
            throw TerminalError.cannotStart(term: term)
        }
        screen = scr
        _ = set_term(scr)
        window = komar_stdscr()!
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        _ = set_escdelay(25)
        hasColors = has_colors()
        if hasColors {
            _ = start_color()
            _ = use_default_colors()
            _ = init_pair(1, Int16(COLOR_WHITE), Int16(COLOR_BLUE))     // title
            _ = init_pair(2, Int16(COLOR_CYAN), -1)                    // accent
            _ = init_pair(3, Int16(COLOR_RED), -1)                     // error
            _ = init_pair(4, Int16(COLOR_YELLOW), -1)                  // warning
            _ = init_pair(5, Int16(COLOR_BLACK), Int16(COLOR_CYAN))    // key name
            _ = init_pair(6, Int16(COLOR_WHITE), Int16(COLOR_BLUE))    // selection
        }
        atexit { _ = endwin() }
    }

    public var size: Size {
        Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
    }

    private func attributes(for style: TextStyle) -> (attr_t, Int16) {
        var attr = komar_a_normal()
        if style.bold { attr |= komar_a_bold() }
        if style.reverse { attr |= komar_a_reverse() }
        if style.underline { attr |= komar_a_underline() }
        guard hasColors else {
            switch style.role {
            case .title, .keyName, .selection: attr |= komar_a_reverse()
            case .error, .accent: attr |= komar_a_bold()
            case .muted: attr |= komar_a_dim()
            case .normal, .warning: break
            }
            return (attr, 0)
        }
        switch style.role {
        case .normal: return (attr, 0)
        case .title: return (attr, 1)
        case .accent: return (attr, 2)
        case .error: return (attr, 3)
        case .warning: return (attr, 4)
        case .muted: return (attr | komar_a_dim(), 0)
        case .keyName: return (attr, 5)
        case .selection: return (attr & ~komar_a_reverse(), 6)
        }
    }

    public func draw(_ canvas: Canvas) {
        if previous?.size != canvas.size {
            _ = wclear(window)
            previous = nil
        }
        for row in 0..<canvas.size.height {
            if let previous, rowsEqual(previous, canvas, row) { continue }
            drawRow(canvas, row)
        }
        if let cursor = canvas.cursor {
            _ = curs_set(1)
            _ = wmove(window, Int32(cursor.row), Int32(cursor.col))
        } else {
            _ = curs_set(0)
        }
        _ = wrefresh(window)
        previous = canvas
    }

    private func rowsEqual(_ a: Canvas, _ b: Canvas, _ row: Int) -> Bool {
        for col in 0..<a.size.width where a[row, col] != b[row, col] { return false }
        return true
    }

    private func drawRow(_ canvas: Canvas, _ row: Int) {
        var col = 0
        let width = canvas.size.width
        while col < width {
            let style = canvas[row, col].style
            let start = col
            var run = ""
            while col < width, canvas[row, col].isContinuation || canvas[row, col].style == style {
                run += canvas[row, col].text
                col += 1
            }
            let (attr, pair) = attributes(for: style)
            _ = wattr_set(window, attr, pair, nil)
            var wide = run.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            wide.append(0)
            _ = mvwaddnwstr(window, Int32(row), Int32(start), wide, Int32(wide.count - 1))
        }
        _ = wattr_set(window, komar_a_normal(), 0, nil)
    }

    private func readRaw(timeoutMs: Int32) -> RawInput? {
        wtimeout(window, timeoutMs)
        var ch: wint_t = 0
        let result = wget_wch(window, &ch)
        if result == ERR { return nil }
        if result == KEY_CODE_YES { return .keyCode(Int32(bitPattern: ch)) }
        return .character(ch)
    }

    public func readKey() -> Key? {
        if !queued.isEmpty { return queued.removeFirst() }
        guard let first = readRaw(timeoutMs: pollMilliseconds) else { return nil }
        let keys = decoder.decode(first) { ms in readRaw(timeoutMs: Int32(ms)) }
        guard let key = keys.first else { return nil }
        queued += keys.dropFirst()
        return key
    }

    public func shutdown() {
        guard running else { return }
        running = false
        _ = curs_set(1)
        _ = endwin()
    }
}
