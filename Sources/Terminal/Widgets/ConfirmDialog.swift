import KhmerText

/// A yes/no question in a box over the screen, with an optional third
/// answer between them ("keep for later"). ←/→/Tab move, Enter answers,
/// n and Esc mean no, and y means yes when there are only two answers
/// (យ and ន too: the same keys on a Khmer keyboard). The safe answer (No)
/// is chosen first; a muted line under the buttons says which keys answer.
@MainActor
public final class ConfirmDialog {
    public enum Answer: Equatable, Sendable { case yes, other, no }

    public let message: String
    public let yesLabel: String
    public let noLabel: String
    public let otherLabel: String?
    /// Which keys answer, in the user's language.
    public let keysHint: String?
    public private(set) var selected = Answer.no
    /// Letters that answer nothing were typed: the user is typing on
    /// without having seen the question (walk-through: "sreymom", Tab and a
    /// password typed into the quit question chose Yes and quit; then, once
    /// an n in the password had answered No, the rest opened a menu item and
    /// filled in a form). Until Esc or an arrow key shows they are looking,
    /// the question takes every key and answers nothing, and
    /// `typingPastHint` says so under it.
    public private(set) var typingPast = false
    public let typingPastHint: String?

    public init(message: String, yesLabel: String, noLabel: String, otherLabel: String? = nil,
                keysHint: String? = nil, typingPastHint: String? = nil) {
        self.typingPastHint = typingPastHint
        self.message = message
        self.yesLabel = yesLabel
        self.noLabel = noLabel
        self.otherLabel = otherLabel
        self.keysHint = keysHint
    }

    /// The answers in the order they are drawn.
    private var answers: [Answer] { otherLabel == nil ? [.yes, .no] : [.yes, .other, .no] }

    /// Highlights `answer` (the same one, asked again in another language).
    public func select(_ answer: Answer) {
        if answers.contains(answer) { selected = answer }
    }

    private static let answerLetters: Set<Unicode.Scalar> = ["y", "Y", "យ", "n", "N", "ន"]

    /// Nil while undecided; the answer once given.
    public func answer(_ key: Key) -> Answer? {
        let order = answers
        let index = order.firstIndex(of: selected) ?? 0
        // Two answers toggle; with three, the arrows stop at the ends, so
        // → from the safe answer never lands on the one that throws away.
        let wraps = order.count == 2
        if typingPast && ![Key.escape, .left, .right].contains(key) { return nil }
        switch key {
        case .char(let letter) where !Self.answerLetters.contains(letter):
            typingPast = true
            selected = .no
            return nil
        case .right, .tab:
            typingPast = false
            selected = order[wraps ? (index + 1) % order.count : min(index + 1, order.count - 1)]
            return nil
        case .left, .backTab:
            typingPast = false
            selected = order[wraps ? (index + order.count - 1) % order.count : max(index - 1, 0)]
            return nil
        // With three answers, yes throws a form away: a y typed on after
        // an Esc pressed by mistake must not do that.
        case .char("y"), .char("Y"), .char("យ"): return wraps ? .yes : nil
        case .char("n"), .char("N"), .char("ន"), .escape: return .no
        case .enter: return selected
        default: return nil
        }
    }

    public func render(into canvas: inout Canvas, bounds: Rect) {
        let buttons = answers.map { answer in
            (answer, "[ " + (answer == .yes ? yesLabel : answer == .no ? noLabel : otherLabel ?? "") + " ]")
        }
        let total = buttons.reduce(0) { $0 + DisplayWidth.of($1.1) } + 2 * (buttons.count - 1)
        let keysHint = typingPast ? typingPastHint ?? self.keysHint : self.keysHint
        let hintWidth = keysHint.map { DisplayWidth.of($0) + 4 } ?? 0
        let width = min(bounds.width - 4, max(40, DisplayWidth.of(message) + 6, total + 4, hintWidth))
        let lines = wrapWords(message, width: width - 4)
        let height = lines.count + (keysHint == nil ? 4 : 5)
        let rect = Rect(row: bounds.row + max(0, (bounds.height - height) / 2),
                        col: bounds.col + (bounds.width - width) / 2, width: width, height: height)
        // A blank column each side, so the form's labels do not run into
        // the border.
        canvas.fill(Rect(row: rect.row, col: rect.col - 1, width: width + 2, height: height))
        canvas.box(rect, style: .heading)
        for (i, line) in lines.enumerated() {
            canvas.put(line, row: rect.row + 1 + i, col: rect.col + 2, maxWidth: width - 4)
        }
        let buttonRow = rect.row + lines.count + 2
        var col = rect.col + max(2, (width - total) / 2)
        for (answer, label) in buttons {
            col += canvas.put(label, row: buttonRow, col: col, style: answer == selected ? .selected : .plain) + 2
        }
        if let keysHint {
            let hintCol = rect.col + max(2, (width - DisplayWidth.of(keysHint)) / 2)
            canvas.put(keysHint, row: buttonRow + 1, col: hintCol, style: typingPast ? .warning : .muted,
                       maxWidth: width - 4)
        }
        canvas.cursor = nil
    }
}

/// Splits text into lines of at most `width` columns, at spaces where it
/// can and between clusters where it must (Khmer has no spaces).
/// The pieces of a paragraph between which a line may break: at spaces
/// (`spaced`: a space goes back between them on one line) and after
/// zero-width spaces, Khmer's word breaks (kept with the piece before).
func breakOpportunities(_ paragraph: Substring) -> [(piece: String, spaced: Bool)] {
    var pieces: [(piece: String, spaced: Bool)] = []
    var current = ""
    var spaced = false
    for character in paragraph {
        if character == " " {
            pieces.append((current, spaced))
            current = ""
            spaced = true
        } else if character == "\u{200B}" {
            pieces.append((current + "\u{200B}", spaced))
            current = ""
            spaced = false
        } else {
            current.append(character)
        }
    }
    pieces.append((current, spaced))
    return pieces
}

public func wrapWords(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        var lineWidth = 0
        for (word, spaced) in breakOpportunities(paragraph) {
            let w = DisplayWidth.of(word)
            let gap = spaced && !(lineWidth == 0 && line.isEmpty) ? 1 : 0
            let needed = lineWidth + gap + w
            if needed <= width {
                line += (gap == 1 ? " " : "") + word
                lineWidth = needed
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            lineWidth = 0
            var rest = String(word)
            while DisplayWidth.of(rest) > width {
                let head = TextFit.truncate(rest, to: width)
                if head.isEmpty { break }
                lines.append(head)
                rest = String(rest.dropFirst(head.count))
            }
            line = rest
            lineWidth = DisplayWidth.of(rest)
        }
        lines.append(line)
    }
    return lines
}
