import KhmerText
import Testing
@testable import Terminal

@MainActor
func type(_ widget: any Widget, _ text: String) {
    for key in Key.typing(text) { _ = widget.handle(key) }
}

@Suite struct EditableTextTests {
    @Test func cursorMovesByKhmerClusterAndBackspaceRemovesOneCodePoint() {
        var text = EditableText("ស្ត្រី")
        #expect(text.cursor == 6)
        text.moveLeft()
        #expect(text.cursor == 0, "ស្ត្រី is one cluster")
        text.moveRight()
        #expect(text.cursor == 6)
        text.backspace()
        #expect(text.text == "ស្ត្រ")
        text.backspace()
        #expect(text.text == "ស្ត្")
    }

    @Test func deleteRemovesTheWholeClusterUnderTheCursor() {
        var text = EditableText("ខ្មែរ")
        text.moveHome()
        text.deleteForward()
        #expect(text.text == "រ")
        #expect(text.cursor == 0)
        text.deleteForward()
        #expect(text.isEmpty)
        text.deleteForward()
        #expect(text.isEmpty)
    }

    @Test func insertInTheMiddleAndCursorColumn() {
        var text = EditableText("កម្ពុជា")
        text.moveHome()
        text.moveRight()
        #expect(text.cursorColumn == 1)
        text.insert("X")
        #expect(text.text == "កXម្ពុជា")
        text.moveEnd()
        #expect(text.cursorColumn == 6)
    }

    @Test func maxLengthIsEnforced() {
        var text = EditableText("", maxLength: 3)
        text.insert("abcdef")
        #expect(text.text == "abc")
    }
}

@MainActor
@Suite struct TextFieldTests {
    let env = WidgetEnvironment()

    @Test func numberFieldsTakeKhmerOrWesternDigitsOnly() {
        let field = TextField(kind: .number)
        type(field, "1a២ b3")
        #expect(field.text == "1២3")
        let date = DateField()
        type(date, "២១/11/2026x")
        #expect(date.text == "២១/11/2026")
        #expect(date.parts?.day == 21 && date.parts?.month == 11 && date.parts?.year == 2026)
    }

    @Test func longTextScrollsToKeepTheCursorVisible() {
        let field = TextField()
        type(field, "ជ្រោយស្នែងក្របីក្រោម ព្រែកចង្ក្រានក្រោម")
        var canvas = Canvas(size: Size(width: 20, height: 1))
        field.render(into: &canvas, at: Rect(row: 0, col: 0, width: 10, height: 1), focused: true, env: env)
        #expect(canvas.rowText(0).contains("ក្រោម"))
        #expect(!canvas.rowText(0).hasPrefix("ជ្រោយ"))
        #expect(canvas.cursor == Position(row: 0, col: 9))
        for _ in 0..<40 { _ = field.handle(.left) }
        field.render(into: &canvas, at: Rect(row: 0, col: 0, width: 10, height: 1), focused: true, env: env)
        #expect(canvas.rowText(0).hasPrefix("ជ្រោយ"))
        #expect(canvas.cursor == Position(row: 0, col: 0))
    }

    @Test func secretsShowDots() {
        let field = TextField(kind: .secret)
        type(field, "pässwörd")
        var canvas = Canvas(size: Size(width: 12, height: 1))
        field.render(into: &canvas, at: Rect(row: 0, col: 0, width: 12, height: 1), focused: false, env: env)
        #expect(canvas.rowText(0).hasPrefix("••••••••"))
        #expect(!canvas.rowText(0).contains("p"))
    }

    @Test func textAreaWrapsAndTakesEnter() {
        let area = TextArea(rows: 3)
        type(area, "abcdefgh")
        _ = area.handle(.enter)
        type(area, "ខ្មែរ")
        #expect(area.text == "abcdefgh\nខ្មែរ")
        var canvas = Canvas(size: Size(width: 6, height: 3))
        area.render(into: &canvas, at: Rect(row: 0, col: 0, width: 6, height: 3), focused: true, env: env)
        #expect(canvas.rowText(0) == "abcde ")
        #expect(canvas.rowText(1) == "fgh   ")
        #expect(canvas.rowText(2).hasPrefix("ខ្មែរ"))
        #expect(area.handle(.up))
        #expect(area.handle(.up))
        #expect(!area.handle(.up))
        #expect(!area.handle(.tab))
    }
}

@MainActor
@Suite struct ChoiceTests {
    let provinces = [ChoiceOption(id: "14", labels: ["ព្រៃវែង", "Prey Veng"]),
                     ChoiceOption(id: "20", labels: ["ស្វាយរៀង", "Svay Rieng"]),
                     ChoiceOption(id: "21", labels: ["តាកែវ", "Takéo"])]

    @Test func typingFiltersInKhmerOrLatinAndEnterPicks() {
        let field = ChoiceField(options: provinces)
        type(field, "svay")
        #expect(field.isExpanded)
        _ = field.handle(.enter)
        #expect(field.selectedId == "20")
        _ = field.handle(.enter)
        for key in Key.typing("តាកែ") { _ = field.handle(key) }
        _ = field.handle(.enter)
        #expect(field.selectedId == "21")
        type(field, "takeo")
        _ = field.handle(.escape)
        #expect(!field.isExpanded)
        #expect(field.selectedId == "21")
    }

    @Test func noMatchPicksNothingAndSaysSo() {
        let field = ChoiceField(options: provinces)
        type(field, "zzz")
        var canvas = Canvas(size: Size(width: 40, height: 10))
        field.renderOverlay(into: &canvas, anchor: Rect(row: 0, col: 0, width: 30, height: 1),
                            bounds: Rect(row: 0, col: 0, width: 40, height: 10),
                            env: WidgetEnvironment(localize: { $0 == "widget.no-match" ? "Nothing matches." : $0 }))
        #expect(canvas.text.contains("Nothing matches."))
        _ = field.handle(.enter)
        #expect(field.selectedId == nil)
    }

    @Test func labelsFollowTheLanguageIndex() {
        let field = ChoiceField(options: provinces, selected: "14")
        var canvas = Canvas(size: Size(width: 30, height: 1))
        field.render(into: &canvas, at: Rect(row: 0, col: 0, width: 30, height: 1), focused: false,
                     env: WidgetEnvironment(labelIndex: 0))
        #expect(canvas.rowText(0).hasPrefix("ព្រៃវែង"))
        field.render(into: &canvas, at: Rect(row: 0, col: 0, width: 30, height: 1), focused: false,
                     env: WidgetEnvironment(labelIndex: 1))
        #expect(canvas.rowText(0).hasPrefix("Prey Veng"))
    }

    /// Walk-through: with Grandchild chosen, typing "Child" left the
    /// highlight on Grandchild and Enter saved it. The highlight follows
    /// what is typed: an exact label first, then one that begins with it.
    @Test func typingHighlightsTheOptionTypedNotTheRowThatWasHighlighted() {
        let relations = [("parent", "ឪពុកម្ដាយ", "Parent"), ("child", "កូន", "Child"), ("grandchild", "ចៅ", "Grandchild")]
            .map { ChoiceOption(id: $0.0, labels: [$0.1, $0.2]) }
        let field = ChoiceField(options: relations.reversed(), selected: "grandchild")
        _ = field.handle(.enter)
        #expect(field.isExpanded)
        for c in "Child".unicodeScalars { _ = field.handle(.char(c)) }
        _ = field.handle(.enter)
        #expect(field.selectedId == "child")
        _ = field.handle(.enter)
        for c in "gra".unicodeScalars { _ = field.handle(.char(c)) }
        _ = field.handle(.enter)
        #expect(field.selectedId == "grandchild", "a label that begins with what was typed")
        _ = field.handle(.enter)
        for c in "កូ".unicodeScalars { _ = field.handle(.char(c)) }
        _ = field.handle(.enter)
        #expect(field.selectedId == "child", "in Khmer too")
    }

    /// Walk-through: ឬស្សី found nothing, ឫស្សី found the villages. People
    /// type one for the other; a list takes either.
    @Test func aListTakesEitherOfTwoLookalikeVowels() {
        let places = [ChoiceOption(id: "0206", labels: ["មោងឫស្សី", "Moung Ruessei"]),
                      ChoiceOption(id: "0207", labels: ["ភ្នំព្រឹក", "Phnum Proek"])]
        let field = ChoiceField(options: places)
        _ = field.handle(.enter)
        for c in "ឬស្សី".unicodeScalars { _ = field.handle(.char(c)) }
        _ = field.handle(.enter)
        #expect(field.selectedId == "0206")
        #expect(LookalikeLetters.folded("ឮ ឬ") == "ឭ ឫ")
        #expect(LookalikeLetters.folded("Sokha") == "Sokha")
    }

    @Test func settingOptionsDropsAStaleSelection() {
        let field = ChoiceField(options: provinces, selected: "14")
        field.setOptions(Array(provinces.suffix(1)))
        #expect(field.selectedId == nil)
        _ = field.handle(.char(" "))
        #expect(field.isExpanded)
    }

    @Test func multiChoiceTogglesWithSpace() {
        let field = MultiChoiceField(options: provinces)
        _ = field.handle(.enter)
        _ = field.handle(.char(" "))
        _ = field.handle(.down)
        _ = field.handle(.down)
        _ = field.handle(.char(" "))
        _ = field.handle(.enter)
        #expect(field.selectedIds == ["14", "21"])
        #expect(!field.isExpanded)
    }
}

@MainActor
final class CountingSource: TableDataSource {
    var asked = Set<Int>()
    var preparedThrough = 0
    let total: Int
    init(total: Int) { self.total = total }
    var rowCount: Int { total }
    func cells(at index: Int) -> [String] {
        asked.insert(index)
        return ["\(index)", index % 2 == 0 ? "ស្រីពេជ្រ" : "Dara"]
    }
    func prepare(through index: Int) { preparedThrough = max(preparedThrough, index) }
}

@MainActor
@Suite struct TableTests {
    @Test func drawsOnlyVisibleRows() {
        let source = CountingSource(total: 100_000)
        let table = Table(columns: [TableColumn("n", width: 6), TableColumn("name", width: 10, flexible: true)])
        table.source = source
        var canvas = Canvas(size: Size(width: 40, height: 10))
        table.render(into: &canvas, at: Rect(row: 0, col: 0, width: 40, height: 10), focused: true, env: WidgetEnvironment())
        #expect(source.asked == Set(0..<9))
        _ = table.handle(.pageDown)
        _ = table.handle(.pageDown)
        source.asked = []
        table.render(into: &canvas, at: Rect(row: 0, col: 0, width: 40, height: 10), focused: true, env: WidgetEnvironment())
        #expect(source.asked.count == 9)
        #expect(table.selected == 16)
        #expect(canvas.rowText(9).hasPrefix("16"))
    }

    @Test func flexibleColumnsShareTheWidthAndAlign() {
        let table = Table(columns: [TableColumn("a", width: 4), TableColumn("b", width: 5, flexible: true),
                                    TableColumn("c", width: 5, flexible: true)])
        #expect(table.widths(total: 30) == [4, 12, 12])
        // A column shown only where there is room.
        let wide = Table(columns: [TableColumn("a", width: 10, flexible: true), TableColumn("b", width: 8).whenRoom])
        #expect(wide.widths(total: 15) == [15, 0])
        #expect(wide.widths(total: 30) == [21, 8])
        let source = CountingSource(total: 3)
        table.source = source
        var canvas = Canvas(size: Size(width: 30, height: 4))
        table.render(into: &canvas, at: Rect(row: 0, col: 0, width: 30, height: 4), focused: false, env: WidgetEnvironment())
        // Column b starts at 5 whatever script the row holds.
        #expect(DisplayWidth.of(String(canvas.rowText(1).prefix(5))) == 5)
        #expect(canvas[1, 5].text.unicodeScalars.first == "ស")
        #expect(canvas[2, 5].text == "D")
    }

    @Test func enterActivatesTheSelectedRow() {
        let source = CountingSource(total: 5)
        let table = Table(columns: [TableColumn("n", width: 4)])
        table.source = source
        var activated: Int?
        table.onActivate = { activated = $0 }
        _ = table.handle(.down)
        _ = table.handle(.end)
        _ = table.handle(.enter)
        #expect(activated == 4)
    }
}

@MainActor
@Suite struct FormTests {
    @Test func focusMovesAndMessagesSitUnderTheirField() {
        let a = TextField(), b = TextField(), c = ChoiceField(options: [ChoiceOption(id: "x", labels: ["X"])])
        let form = Form(fields: [FormField(id: "a", label: "A", widget: a, required: true),
                                 FormField(id: "b", label: "B", widget: b), FormField(id: "c", label: "C", widget: c)])
        var submitted = false
        form.onSubmit = { submitted = true }
        #expect(form.focused?.id == "a")
        _ = form.handle(.tab)
        #expect(form.focused?.id == "b")
        _ = form.handle(.enter)
        #expect(form.focused?.id == "c")
        _ = form.handle(.backTab)
        _ = form.handle(.backTab)
        #expect(form.focused?.id == "a")
        form.field("a")?.message = FieldMessage("Required.")
        var canvas = Canvas(size: Size(width: 40, height: 6))
        form.render(into: &canvas, at: Rect(row: 0, col: 0, width: 40, height: 6), env: WidgetEnvironment())
        #expect(canvas.rowText(0).hasPrefix("A *"))
        #expect(canvas.rowText(1).contains("✗ Required."))
        #expect(canvas.rowText(2).hasPrefix("B"))
        form.focus("c")
        _ = form.handle(.enter)
        _ = form.handle(.enter)
        #expect(c.selectedId == "x")
        _ = form.handle(.enter)
        _ = form.handle(.escape)
        #expect(!submitted)
    }

    /// A message under a field goes when its value changes, not when the
    /// cursor merely moves in it.
    @Test func aFieldsMessageGoesOnceItsValueChanges() {
        let a = TextField("20"), b = TextField()
        let form = Form(fields: [FormField(id: "a", label: "A", widget: a), FormField(id: "b", label: "B", widget: b)])
        form.field("a")?.message = FieldMessage("Write a month.")
        form.field("b")?.message = FieldMessage("Required.")
        _ = form.handle(.left)
        _ = form.handle(.home)
        #expect(form.field("a")?.message == FieldMessage("Write a month."), "moving the cursor changes nothing")
        for key in Key.typing("x") { _ = form.handle(key) }
        #expect(form.field("a")?.message == nil)
        #expect(form.field("b")?.message == FieldMessage("Required."), "another field's message stays")
    }

    /// Walk-through: "at least 10 characters" stayed under a password as
    /// it grew to 19: a password's value is never kept, but its typing
    /// still counts as a change.
    @Test func aPasswordsMessageGoesWhenItIsTypedIn() {
        let password = TextField(kind: .secret, maxLength: 256)
        let form = Form(fields: [FormField(id: "p", label: "P", widget: password)])
        form.field("p")?.message = FieldMessage("At least 10 characters.")
        _ = form.handle(.left)
        #expect(form.field("p")?.message != nil)
        for key in Key.typing("x") { _ = form.handle(key) }
        #expect(form.field("p")?.message == nil)
    }

    @Test func f2SavesUnlessAListIsOpen() {
        let choice = ChoiceField(options: [ChoiceOption(id: "x", labels: ["X"])])
        let form = Form(fields: [FormField(id: "c", label: "C", widget: choice)])
        var saves = 0
        form.onSave = { saves += 1 }
        _ = form.handle(.enter)
        #expect(choice.isExpanded)
        #expect(form.handle(.function(2)))
        #expect(saves == 0)
        _ = form.handle(.escape)
        _ = form.handle(.function(2))
        #expect(saves == 1)
    }

    @Test func scrollsToKeepTheFocusedFieldVisible() {
        let fields = (0..<20).map { FormField(id: "f\($0)", label: "Field \($0)", widget: TextField()) }
        let form = Form(fields: fields)
        form.focus("f15")
        var canvas = Canvas(size: Size(width: 40, height: 5))
        form.render(into: &canvas, at: Rect(row: 0, col: 0, width: 40, height: 5), env: WidgetEnvironment())
        #expect(canvas.text.contains("Field 15"))
        #expect(!canvas.text.contains("Field 1 "))
    }
}

@MainActor
@Suite struct DialogAndWrapTests {
    @Test func confirmDefaultsToNo() {
        let dialog = ConfirmDialog(message: "Discard?", yesLabel: "Yes", noLabel: "No")
        #expect(dialog.answer(.enter) == .no)
        #expect(dialog.answer(.right) == nil)
        #expect(dialog.answer(.enter) == .yes)
        #expect(dialog.answer(.char("n")) == .no)
        #expect(dialog.answer(.escape) == .no)
        var canvas = Canvas(size: Size(width: 60, height: 10))
        dialog.render(into: &canvas, bounds: Rect(row: 0, col: 0, width: 60, height: 10))
        #expect(canvas.text.contains("Discard?"))
        #expect(canvas.text.contains("Yes") && canvas.text.contains("No"))
    }

    /// Yes on a three-answer question throws a form away: only Enter on
    /// it does, never a y typed on after an Esc pressed by mistake.
    @Test func aThreeAnswerQuestionTakesNoY() {
        let dialog = ConfirmDialog(message: "Leave?", yesLabel: "Discard", noLabel: "Stay", otherLabel: "Keep")
        #expect(dialog.answer(.char("y")) == nil)
        #expect(dialog.answer(.char("Y")) == nil)
        #expect(dialog.selected == .no)
        #expect(dialog.answer(.char("n")) == .no)
        dialog.select(.yes)
        #expect(dialog.answer(.enter) == .yes)
        #expect(ConfirmDialog(message: "Discard?", yesLabel: "Yes", noLabel: "No").answer(.char("y")) == .yes)
    }

    /// Walk-through: "sreymom", Tab and a password typed into a question
    /// nobody had noticed answered Yes and quit Komar. Once a letter that
    /// answers nothing is typed, neither y nor Tab moves off the safe
    /// answer, until an arrow key shows the question was seen.
    @Test func typingOnPastAQuestionNeverAnswersYes() {
        let dialog = ConfirmDialog(message: "Quit?", yesLabel: "Yes", noLabel: "No")
        for key in Key.typing("sreymom") + [.tab] + Key.typing("Own-2026") + [.enter] {
            #expect(dialog.answer(key) == nil, "typing past answers nothing, not even No: \(key)")
        }
        #expect(dialog.selected == .no && dialog.typingPast)
        #expect(dialog.answer(.escape) == .no)
        let seen = ConfirmDialog(message: "Quit?", yesLabel: "Yes", noLabel: "No")
        _ = seen.answer(.char("s"))
        #expect(seen.answer(.left) == nil && seen.selected == .yes, "an arrow key: the question was seen")
        #expect(seen.answer(.enter) == .yes)
    }

    /// On a Khmer keyboard the y and n keys type យ and ន: they answer as
    /// y and n do, and យ throws nothing away when there are three answers.
    @Test func theYAndNKeysAnswerOnAKhmerKeyboardToo() {
        #expect(ConfirmDialog(message: "លុប?", yesLabel: "បាទ/ចាស", noLabel: "ទេ").answer(.char("យ")) == .yes)
        #expect(ConfirmDialog(message: "លុប?", yesLabel: "បាទ/ចាស", noLabel: "ទេ").answer(.char("ន")) == .no)
        let three = ConfirmDialog(message: "ចាកចេញ?", yesLabel: "បោះចោល", noLabel: "នៅ", otherLabel: "ទុក")
        #expect(three.answer(.char("យ")) == nil)
        #expect(three.answer(.char("ន")) == .no)
    }

    /// The line under the buttons says which keys answer, inside the box.
    @Test func theKeysThatAnswerAreSaidUnderTheButtons() throws {
        let dialog = ConfirmDialog(message: "Discard it?", yesLabel: "Yes", noLabel: "No",
                                   keysHint: "y for Yes, n or Esc for No")
        var canvas = Canvas(size: Size(width: 80, height: 24))
        dialog.render(into: &canvas, bounds: Rect(row: 0, col: 0, width: 80, height: 24))
        let rows = (0..<24).map { canvas.rowText($0) }
        let buttons = try #require(rows.firstIndex { $0.contains("[ Yes ]  [ No ]") })
        #expect(rows[buttons + 1].contains("y for Yes, n or Esc for No") && rows[buttons + 1].contains("│"))
        #expect(rows[buttons + 2].contains("└"), "the box closes under it")
    }

    @Test func wrapsAtSpacesAndInsideLongKhmer() {
        #expect(wrapWords("one two three", width: 7) == ["one two", "three"])
        let lines = wrapWords("ជ្រោយស្នែងក្របីក្រោមព្រែកចង្ក្រានក្រោម", width: 8)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 8 })
        #expect(lines.joined() == "ជ្រោយស្នែងក្របីក្រោមព្រែកចង្ក្រានក្រោម")
    }
}

@MainActor
@Suite struct InvisibleDrawingTests {
    @Test func zeroWidthSpacesDrawNothingAndTakeNoColumn() {
        var canvas = Canvas(size: Size(width: 20, height: 1))
        let used = canvas.put("សុខា\u{200B}ដារ៉ា|", row: 0, col: 0)
        #expect(used == DisplayWidth.of("សុខា\u{200B}ដារ៉ា|"))
        #expect(canvas.text.hasPrefix("សុខាដារ៉ា|"))
        #expect(!canvas.text.contains("\u{25CC}"))
    }

    @Test func ctrlUClearsAPickersFilter() {
        let field = ChoiceField(options: [ChoiceOption(id: "kampot", labels: ["Kampot"]),
                                          ChoiceOption(id: "takeo", labels: ["Takeo"]),
                                          ChoiceOption(id: "kandal", labels: ["Kandal"])])
        for key in [Key.enter] + Key.typing("ta") + [.ctrl("u")] + Key.typing("kand") + [.enter] { _ = field.handle(key) }
        #expect(field.selectedId == "kandal")
    }
}

/// Issue 13: a text field never draws outside its box, at any scroll
/// position, for any text.
@MainActor
@Suite struct TextFieldBoxTests {
    @Test func randomEditsAtRandomWidthsStayInTheBox() {
        let alphabet = ["ក", "ស", "្", "រ", "ី", "ុ", "ំ", "ះ", "\u{200B}", "a", "7", " ", "ា", "ើ", "ព", "េ", "ជ"]
        var seed: UInt64 = 13
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        for _ in 0..<300 {
            let field = TextField(maxLength: 80)
            let width = 3 + next(20)
            for _ in 0..<(1 + next(40)) {
                switch next(10) {
                case 0: _ = field.handle(.left)
                case 1: _ = field.handle(.right)
                case 2: _ = field.handle(.backspace)
                case 3: _ = field.handle(.home)
                case 4: _ = field.handle(.end)
                default: _ = field.handle(.char(alphabet[next(alphabet.count)].unicodeScalars.first!))
                }
            }
            var canvas = Canvas(size: Size(width: width + 10, height: 1))
            _ = canvas.put(String(repeating: "#", count: width + 10), row: 0, col: 0)
            field.render(into: &canvas, at: Rect(row: 0, col: 5, width: width, height: 1), focused: true,
                         env: WidgetEnvironment())
            // Compared code point by code point: a mark drawn first in the box
            // would join the last # into one Character.
            let scalars = Array(canvas.text.unicodeScalars)
            #expect(String(String.UnicodeScalarView(scalars.prefix(5))) == "#####", "left of the box at width \(width)")
            #expect(String(String.UnicodeScalarView(scalars.suffix(5))) == "#####",
                    "right of the box at width \(width): \(field.text) → \(canvas.text)")
        }
    }
}

@MainActor
@Suite struct WrappingTests {
    @Test func textWrapsAtSpacesAndZeroWidthSpacesNeverInsideAWord() {
        #expect(wrapWords("sewing during school hours", width: 14) == ["sewing during", "school hours"])
        let khmer = "កុមារ\u{200B}ធ្វើការ\u{200B}នៅ\u{200B}វាលស្រែ"
        let lines = wrapWords(khmer, width: 10)
        #expect(lines.count > 1)
        #expect(lines.joined() == khmer)                                    // nothing lost, nothing added
        for line in lines { #expect(DisplayWidth.of(line) <= 10) }
        #expect(lines.allSatisfy { !$0.hasPrefix("\u{17BE}") && !$0.hasPrefix("\u{17D2}") })
    }

    @Test func aListItemWrapsUnderItsTextNotTheMargin() {
        let view = DetailView(lines: [.item("2. ពៅ ពិសិដ្ឋ / Pov Piseth · Male · 18 years · Child · Planning to migrate")])
        let rows = view.rows(width: 40)
        #expect(rows.count > 1)
        #expect(rows.dropFirst().allSatisfy { $0.col == 3 })
        #expect(!rows.contains { $0.text.hasSuffix("Planning to mi") })
    }
}

@MainActor
@Suite struct TextAreaWrapTests {
    @Test func aTextAreaWrapsAtWordsAndTheCursorStillWalksEveryCharacter() {
        let area = TextArea(rows: 4, maxLength: 500)
        area.text = "Family moved child to grandmother; no current danger."
        let lines = area.wrap(width: 21)
        #expect(lines.map(\.text) == ["Family moved child ", "to grandmother; no ", "current danger."])
        // The lines cover the text end to end, so cursor positions map back.
        #expect(lines.first?.start == 0 && lines.last?.end == area.text.unicodeScalars.count)
        for (a, b) in zip(lines, lines.dropFirst()) { #expect(a.end == b.start) }
        let khmer = TextArea(rows: 4, maxLength: 500)
        khmer.text = "កុមារ\u{200B}ធ្វើការ\u{200B}នៅ\u{200B}វាលស្រែ\u{200B}ជាមួយ\u{200B}ឪពុក"
        for line in khmer.wrap(width: 12) { #expect(DisplayWidth.of(line.text) <= 11) }
        #expect(khmer.wrap(width: 12).allSatisfy { $0.text.isEmpty || $0.text.hasSuffix("\u{200B}") || $0.end == khmer.text.unicodeScalars.count })
    }
}

@MainActor
@Suite struct TextPaneTests {
    /// A wide table scrolls sideways; text that does not scroll stays put,
    /// and scrolling goes only as far as the widest line that scrolls.
    @Test func onlyLinesThatScrollMoveSideways() {
        let wide = "Label  " + String(repeating: "9", count: 60)
        let pane = TextPane(lines: [TextPane.Line("A title that stays", scrolls: false),
                                    TextPane.Line(wide, frozen: 7),
                                    TextPane.Line("Small  12", frozen: 7, scrolls: false)])
        #expect(pane.contentWidth == 67)
        var canvas = Canvas(size: Size(width: 30, height: 3))
        pane.render(into: &canvas, at: Rect(row: 0, col: 0, width: 30, height: 3), focused: true, env: WidgetEnvironment())
        _ = pane.handle(.right)
        pane.render(into: &canvas, at: Rect(row: 0, col: 0, width: 30, height: 3), focused: true, env: WidgetEnvironment())
        #expect(canvas.rowText(0).hasPrefix("A title that stays"))
        #expect(canvas.rowText(1).hasPrefix("Label  …"), "the wide row keeps its label and marks what it scrolled past")
        #expect(canvas.rowText(2).hasPrefix("Small  12"))
        let narrow = TextPane(lines: [TextPane.Line(String(repeating: "x", count: 80), scrolls: false)])
        #expect(narrow.contentWidth == 0, "a line that does not scroll gives ← → nothing to do")
    }

    /// Walk-through: → moved tables by eight characters, showing "…(2)",
    /// the tail of another column's number, and a narrow table scrolled
    /// with a wide one. A table now moves by whole columns, and only as
    /// far as its own last column.
    @Test func aTableScrollsByWholeColumnsAndOnlyAsFarAsItNeeds() {
        let cells = ["A 1 (1)", "B 22 (2)", "C 333 (3)", "D 4444 (4)", "E 55555 (5)"]
        let wide = "Lbl  " + cells.map { TextFit.pad($0, to: 12) }.joined(separator: "  ")
        let starts = cells.indices.map { 5 + $0 * 14 }
        let heading = "Lbl  " + ["A", "B", "C", "D", "E"].map { TextFit.pad($0, to: 12) }.joined(separator: "  ")
        let pane = TextPane(lines: [TextPane.Line(heading.trimmingCharacters(in: .whitespaces), frozen: 5, columnStarts: starts),
                                    TextPane.Line(wide, frozen: 5, columnStarts: starts),
                                    TextPane.Line("Lbl  X 9 (9)", frozen: 5, columnStarts: [5])])
        var canvas = Canvas(size: Size(width: 40, height: 3))
        func draw() { pane.render(into: &canvas, at: Rect(row: 0, col: 0, width: 40, height: 3), focused: true, env: WidgetEnvironment()) }
        draw()
        _ = pane.handle(.right)
        draw()
        #expect(canvas.rowText(1).hasPrefix("Lbl ‹ B 22 (2)"), "\(canvas.rowText(1))")
        #expect(canvas.rowText(2).hasPrefix("Lbl  X 9 (9)"), "a table that fits stays put")
        for _ in 0..<9 { _ = pane.handle(.right) }
        draw()
        #expect(canvas.rowText(1).hasPrefix("Lbl ‹ D 4444 (4)"), "stops once the last column shows: \(canvas.rowText(1))")
        #expect(canvas.rowText(1).contains("E 55555 (5)"))
        #expect(canvas.rowText(0).hasPrefix("Lbl ‹ D"), "a heading that would fit moves with its table: \(canvas.rowText(0))")
        _ = pane.handle(.left)
        draw()
        #expect(canvas.rowText(1).hasPrefix("Lbl ‹ C 333 (3)"), "one ← goes back one column")
    }
}
