/// A decoded keystroke. Every input path (ncurses, tests) ends here.
public enum Key: Hashable, Sendable {
    case char(Unicode.Scalar)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case tab, backTab, enter, backspace, delete, escape
    case function(Int)
    case ctrl(Character)
    case resize

    /// Short name for the function-key bar and help screen: "F2", "Enter".
    public var displayName: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .enter: return "Enter"
        case .backspace: return "Bksp"
        case .delete: return "Del"
        case .escape: return "Esc"
        case .function(let n): return "F\(n)"
        case .ctrl(let c): return "^\(c.uppercased())"
        case .resize: return "Resize"
        }
    }

    /// Keys as text: each scalar becomes a `.char`, for typing in tests.
    public static func typing(_ text: String) -> [Key] {
        text.unicodeScalars.map { scalar in
            switch scalar {
            case "\n": return .enter
            case "\t": return .tab
            default: return .char(scalar)
            }
        }
    }
}

/// One unit of raw terminal input: a character, or a curses key code.
public enum RawInput: Equatable, Sendable {
    case character(UInt32)
    case keyCode(Int32)
}

/// Curses key codes the decoder understands (values from ncurses' curses.h,
/// passed in by the backend so this file stays free of C).
public struct KeyCodes: Sendable {
    public var up, down, left, right, home, end, pageUp, pageDown: Int32
    public var backTab, backspace, delete, enter, resize, f0: Int32

    public init(up: Int32, down: Int32, left: Int32, right: Int32, home: Int32, end: Int32, pageUp: Int32,
                pageDown: Int32, backTab: Int32, backspace: Int32, delete: Int32, enter: Int32, resize: Int32,
                f0: Int32) {
        self.up = up
        self.down = down
        self.left = left
        self.right = right
        self.home = home
        self.end = end
        self.pageUp = pageUp
        self.pageDown = pageDown
        self.backTab = backTab
        self.backspace = backspace
        self.delete = delete
        self.enter = enter
        self.resize = resize
        self.f0 = f0
    }

    /// The values in ncurses 6 (KEY_DOWN 0402 …, KEY_F0 0410, KEY_RESIZE 0632).
    public static let ncurses = KeyCodes(
        up: 0o403, down: 0o402, left: 0o404, right: 0o405, home: 0o406, end: 0o550, pageUp: 0o523,
        pageDown: 0o522, backTab: 0o541, backspace: 0o407, delete: 0o512, enter: 0o527, resize: 0o632, f0: 0o410)
}

/// Turns raw input into `Key`s: the one place that knows about Esc+digit
/// (Esc 1 = F1 … Esc 0 = F10, as in Midnight Commander), control characters
/// and curses key codes.
public struct KeyDecoder: Sendable {
    /// How long a digit may follow Esc and still make an F-key.
    public static let escapeDigitWindowMs = 500

    public let codes: KeyCodes
    public init(codes: KeyCodes = .ncurses) { self.codes = codes }

    /// Decodes `first`; after an Esc, `readFollowing(timeoutMs)` is asked
    /// for the next input. Returns the keys in order (an Esc followed by a
    /// non-digit gives two keys, so nothing typed is dropped).
    public func decode(_ first: RawInput, readFollowing: (Int) -> RawInput?) -> [Key] {
        if case .character(27) = first {
            guard let next = readFollowing(Self.escapeDigitWindowMs) else { return [.escape] }
            if case .character(let c) = next, c >= 0x30, c <= 0x39 {
                return [.function(c == 0x30 ? 10 : Int(c - 0x30))]
            }
            if case .character(27) = next { return [.escape] }
            // A terminal whose TERM does not match sends sequences curses
            // does not know; they must not turn into Esc plus stray keys
            // (Esc leaves a screen; a stray digit picks a menu item).
            if case .character(let c) = next, c == 0x5B || c == 0x4F {
                return decodeSequence(introducer: c, readFollowing: readFollowing)
            }
            return [.escape] + decode(next, readFollowing: { _ in nil })
        }
        return decodeSingle(first).map { [$0] } ?? []
    }

    /// Reads the rest of an ESC [ … or ESC O … sequence (bytes arrive
    /// together, so a short wait suffices) and maps the common ones; any
    /// other complete sequence is dropped.
    func decodeSequence(introducer: UInt32, readFollowing: (Int) -> RawInput?) -> [Key] {
        var body: [UInt8] = []
        while body.count < 16, case .character(let c)? = readFollowing(Self.sequenceByteWaitMs), c < 0x80 {
            body.append(UInt8(c))
            if introducer == 0x4F || (0x40...0x7E).contains(c) { break }
        }
        let text = String(decoding: body, as: UTF8.self)
        if introducer == 0x4F {
            return [Self.ss3[text]].compactMap { $0 }
        }
        return [Self.csi[text]].compactMap { $0 }
    }

    /// How long to wait for each further byte of an escape sequence.
    public static let sequenceByteWaitMs = 30

    static let ss3: [String: Key] = [
        "A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end,
        "P": .function(1), "Q": .function(2), "R": .function(3), "S": .function(4),
    ]
    static let csi: [String: Key] = [
        "A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end, "Z": .backTab,
        "1~": .home, "7~": .home, "4~": .end, "8~": .end, "2~": .resize, "3~": .delete, "5~": .pageUp, "6~": .pageDown,
        "11~": .function(1), "12~": .function(2), "13~": .function(3), "14~": .function(4), "15~": .function(5),
        "17~": .function(6), "18~": .function(7), "19~": .function(8), "20~": .function(9), "21~": .function(10),
        "23~": .function(11), "24~": .function(12),
    ]

    func decodeSingle(_ input: RawInput) -> Key? {
        switch input {
        case .character(let c):
            switch c {
            case 9: return .tab
            case 10, 13: return .enter
            case 8, 127: return .backspace
            case 27: return .escape
            case 1...26:
                return .ctrl(Character(Unicode.Scalar(c + 0x60)!))
            case 0, 28...31: return nil
            default:
                guard let scalar = Unicode.Scalar(c) else { return nil }
                return .char(scalar)
            }
        case .keyCode(let k):
            switch k {
            case codes.up: return .up
            case codes.down: return .down
            case codes.left: return .left
            case codes.right: return .right
            case codes.home: return .home
            case codes.end: return .end
            case codes.pageUp: return .pageUp
            case codes.pageDown: return .pageDown
            case codes.backTab: return .backTab
            case codes.backspace: return .backspace
            case codes.delete: return .delete
            case codes.enter: return .enter
            case codes.resize: return .resize
            case (codes.f0 + 1)...(codes.f0 + 12): return .function(Int(k - codes.f0))
            default: return nil
            }
        }
    }
}
