import KhmerText

/// A yes/no question in a box over the screen. ←/→/Tab switch, y/n or
/// Enter answer, Esc means no. The safe answer (No) is chosen first.
@MainActor
public final class ConfirmDialog {
    public let message: String
    public let yesLabel: String
    public let noLabel: String
    public private(set) var yesSelected = false

    public init(message: String, yesLabel: String, noLabel: String) {
        self.message = message
        self.yesLabel = yesLabel
        self.noLabel = noLabel
    }

    /// Nil while undecided; true or false once answered.
    public func handle(_ key: Key) -> Bool? {
        switch key {
        case .left, .right, .tab, .backTab:
            yesSelected.toggle()
            return nil
        case .char("y"), .char("Y"): return true
        case .char("n"), .char("N"), .escape: return false
        case .enter: return yesSelected
        default: return nil
        }
    }

    public func render(into canvas: inout Canvas, bounds: Rect) {
        let width = min(bounds.width - 4, max(40, DisplayWidth.of(message) + 6))
        let lines = wrapWords(message, width: width - 4)
        let height = lines.count + 4
        let rect = Rect(row: bounds.row + max(0, (bounds.height - height) / 2),
                        col: bounds.col + (bounds.width - width) / 2, width: width, height: height)
        canvas.fill(rect)
        canvas.box(rect, style: .heading)
        for (i, line) in lines.enumerated() {
            canvas.put(line, row: rect.row + 1 + i, col: rect.col + 2, maxWidth: width - 4)
        }
        let yes = " \(yesLabel) "
        let no = " \(noLabel) "
        let buttonsRow = rect.bottom - 2
        let total = DisplayWidth.of(yes) + DisplayWidth.of(no) + 4
        let start = rect.col + (width - total) / 2
        let used = canvas.put("[" + yes + "]", row: buttonsRow, col: start, style: yesSelected ? .selected : .plain)
        canvas.put("[" + no + "]", row: buttonsRow, col: start + used + 2, style: yesSelected ? .plain : .selected)
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
