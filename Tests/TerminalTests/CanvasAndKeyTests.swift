import KhmerText
import Testing
@testable import Terminal

@Suite struct CanvasTests {
    @Test func khmerClustersTakeTheirColumns() {
        var canvas = Canvas(size: Size(width: 20, height: 2))
        let used = canvas.put("ខ្មែរ|", row: 0, col: 1)
        #expect(used == 5)
        #expect(canvas[0, 1].text == "ខ្មែ")
        #expect(canvas[0, 1].width == 3)
        #expect(canvas[0, 2].isContinuation && canvas[0, 3].isContinuation)
        #expect(canvas[0, 4].text == "រ")
        #expect(canvas[0, 5].text == "|")
        #expect(canvas.rowText(0).hasPrefix(" ខ្មែរ| "))
    }

    @Test func clippingNeverCutsACluster() {
        var canvas = Canvas(size: Size(width: 10, height: 1))
        // ស្ត្រី is one cluster of 3 columns: a limit of 5 fits one, not a
        // half, and "…" says the rest was cut.
        let used = canvas.put("ស្ត្រីស្ត្រី", row: 0, col: 0, maxWidth: 5)
        #expect(used == 4)
        #expect(canvas.rowText(0) == "ស្ត្រី…" + String(repeating: " ", count: 6))
        // No free column left: "…" takes the last cluster's place.
        #expect(canvas.put("abc", row: 0, col: 9) == 1)
        #expect(canvas[0, 9].text == "…")
        #expect(canvas.put("x", row: 5, col: 0) == 0)
    }

    @Test func overwritingHalfAWideClusterBlanksTheRest() {
        var canvas = Canvas(size: Size(width: 10, height: 1))
        canvas.put("ខ្មែ", row: 0, col: 0)
        canvas.put("x", row: 0, col: 1)
        #expect(canvas.rowText(0).hasPrefix(" x "))
        #expect(!canvas[0, 2].isContinuation)
    }

    @Test func loneMarksGetADottedCircle() {
        var canvas = Canvas(size: Size(width: 5, height: 1))
        canvas.put("\u{17B7}", row: 0, col: 0)
        #expect(canvas[0, 0].text == "\u{25CC}\u{17B7}")
    }

    @Test func boxAndFill() {
        var canvas = Canvas(size: Size(width: 6, height: 3))
        canvas.box(Rect(row: 0, col: 0, width: 6, height: 3))
        #expect(canvas.rowText(0) == "┌────┐")
        #expect(canvas.rowText(1) == "│    │")
        #expect(canvas.rowText(2) == "└────┘")
    }
}

@Suite struct KeyDecoderTests {
    let decoder = KeyDecoder()

    @Test func escapeThenDigitIsAFunctionKey() {
        #expect(decoder.decode(.character(27)) { _ in .character(0x31) } == [.function(1)])
        #expect(decoder.decode(.character(27)) { _ in .character(0x30) } == [.function(10)])
        #expect(decoder.decode(.character(27)) { _ in .character(0x36) } == [.function(6)])
    }

    @Test func loneEscapeWaitsTheWindowThenIsEscape() {
        var asked: [Int] = []
        #expect(decoder.decode(.character(27)) { ms in asked.append(ms); return nil } == [.escape])
        #expect(asked == [KeyDecoder.escapeDigitWindowMs])
    }

    @Test func escapeThenOtherKeyKeepsBoth() {
        #expect(decoder.decode(.character(27)) { _ in .character(0x61) } == [.escape, .char("a")])
        #expect(decoder.decode(.character(27)) { _ in .keyCode(KeyCodes.ncurses.up) } == [.escape, .up])
        #expect(decoder.decode(.character(27)) { _ in .character(27) } == [.escape])
    }

    /// Feeds the bytes of `text` after an Esc, as a terminal would.
    func decodeAfterEscape(_ text: String) -> [Key] {
        var bytes = Array(text.utf8)
        return decoder.decode(.character(27)) { _ in
            bytes.isEmpty ? nil : .character(UInt32(bytes.removeFirst()))
        }
    }

    @Test func rawSequencesFromAMismatchedTermAreKeysNotEscape() {
        #expect(decodeAfterEscape("[4~") == [.end])
        #expect(decodeAfterEscape("[1~") == [.home])
        #expect(decodeAfterEscape("OF") == [.end])
        #expect(decodeAfterEscape("[A") == [.up])
        #expect(decodeAfterEscape("[6~") == [.pageDown])
        #expect(decodeAfterEscape("[Z") == [.backTab])
        #expect(decodeAfterEscape("OP") == [.function(1)])
        #expect(decodeAfterEscape("[21~") == [.function(10)])
        // Unknown but complete: dropped, never Esc plus stray characters.
        #expect(decodeAfterEscape("[1;5C").isEmpty)
        #expect(decodeAfterEscape("[99~").isEmpty)
    }

    @Test func controlCharactersAndCursesCodes() {
        let none: (Int) -> RawInput? = { _ in nil }
        #expect(decoder.decode(.character(9), readFollowing: none) == [.tab])
        #expect(decoder.decode(.character(13), readFollowing: none) == [.enter])
        #expect(decoder.decode(.character(127), readFollowing: none) == [.backspace])
        #expect(decoder.decode(.character(3), readFollowing: none) == [.ctrl("c")])
        #expect(decoder.decode(.character(0x1781), readFollowing: none) == [.char("ខ")])
        let c = KeyCodes.ncurses
        #expect(decoder.decode(.keyCode(c.f0 + 2), readFollowing: none) == [.function(2)])
        #expect(decoder.decode(.keyCode(c.backTab), readFollowing: none) == [.backTab])
        #expect(decoder.decode(.keyCode(c.resize), readFollowing: none) == [.resize])
        #expect(decoder.decode(.keyCode(c.delete), readFollowing: none) == [.delete])
        #expect(decoder.decode(.keyCode(c.pageDown), readFollowing: none) == [.pageDown])
        #expect(decoder.decode(.keyCode(9999), readFollowing: none).isEmpty)
    }

    @Test func typingSplitsIntoCodePoints() {
        #expect(Key.typing("ខ្មែរ").count == 5)
        #expect(Key.typing("a\n") == [.char("a"), .enter])
    }
}

@Suite struct KeyBindingRegistryTests {
    @Test func screenBindingsOverrideGlobalOnesAndBarIsOrdered() {
        let global = [KeyBinding(.function(1), label: "h", help: "hh"), KeyBinding(.function(10), label: "quit", help: "q")]
        let screen = [KeyBinding(.enter, label: "open", help: "o"), KeyBinding(.function(10), label: "back", help: "b"),
                      KeyBinding(.function(2), label: "save", help: "s"),
                      KeyBinding(.tab, label: "next", help: "n", inBar: false)]
        let registry = KeyBindingRegistry(global: global, screen: screen)
        #expect(registry.all.count == 4 + 1)
        #expect(registry.binding(for: .function(10))?.labelKey == "back")
        #expect(registry.barEntries.map(\.labelKey) == ["h", "save", "back", "open"])
        #expect(registry.binding(for: .tab)?.helpKey == "n")
    }
}
