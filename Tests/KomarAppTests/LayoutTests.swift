import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Localization
import Terminal
import Testing
@testable import KomarApp

/// Every screen at 80×24, in Khmer and in English, on demo data: the key
/// bar keeps help and the way out, codes are never cut, and every cut is
/// marked.
@MainActor
@Suite struct LayoutTests {
    @Test(arguments: [Language.km, .en])
    func everyScreenAt80x24KeepsF1AndF10AndNeverCutsACode(_ language: Language) throws {
        let h = try Harness(setUp: false, language: language)
        try DemoData.fill(h.services, cases: 40)
        let exports = FileManager.default.temporaryDirectory.appendingPathComponent("komar-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: exports) }
        let cutCode = try Regex("(KC|RF)-[0-9-]*…")
        for entry in ScreenCatalog.entries {
            let app = try h.open(entry, exports: exports.path, language: language)
            let frame = try #require((app.backend as? MemoryBackend)?.lastFrame)
            let title = app.topScreenTitleKey ?? "?"
            let bar = frame.rowText(frame.size.height - 1)
            #expect(bar.contains("F1 ") && bar.contains("F10 "), "\(title) (\(language)): \(bar)")
            for row in 0..<frame.size.height {
                for col in 0..<frame.size.width where !frame[row, col].isContinuation {
                    // Every cell holds one whole cluster, never a mark without its base.
                    let cell = frame[row, col].text
                    #expect(Clusters.split(cell).count <= 1, "\(title) splits a cluster at \(row),\(col)")
                    #expect(DisplayWidth.ofScalars(cell) > 0 || cell.isEmpty || cell == " ",
                            "\(title) draws a bare mark at \(row),\(col)")
                }
                let text = frame.rowText(row)
                #expect(DisplayWidth.of(text) == frame.size.width, "\(title) row \(row) is not one screen wide")
                #expect(text.firstMatch(of: cutCode) == nil, "\(title) row \(row) cuts a code: \(text)")
            }
        }
    }

    @Test(arguments: [Language.km, .en])
    func aDialogKeepsItsTextInsideItsBorder(_ language: Language) throws {
        let h = try Harness(language: language)
        h.logIn("dara")
        let seats = "39 of 5 seats taken in the next intake. ស្ថានភាព​កន្លែង​ពេញ​ហើយ​សម្រាប់​វគ្គ​បន្ទាប់​ ហើយ​អ្នក​នៅ​តែ​ចង់​បញ្ជូន​ឬ?"
        h.app.confirm({ _ in seats + " " + seats }) {}
        h.app.render()
        let frame = try #require((h.app.backend as? MemoryBackend)?.lastFrame)
        let rows = (0..<frame.size.height).map { frame.rowText($0) }
        let top = try #require(rows.firstIndex { $0.contains("┌") })
        let bottom = try #require(rows.lastIndex { $0.contains("└") })
        let left = try #require(rows[top].firstIndex(of: "┌"))
        let leftCol = DisplayWidth.of(String(rows[top][..<left]))
        let rightCol = leftCol + DisplayWidth.of(rows[top].trimmingCharacters(in: .whitespaces)) - 1
        for r in (top + 1)..<bottom {
            #expect(frame[r, leftCol].text == "│", "row \(r): \(rows[r])")
            #expect(frame[r, rightCol].text == "│", "row \(r): \(rows[r])")
        }
    }

    @Test func aBarThatDoesNotFitDropsOtherKeysBeforeF1AndF10() {
        let entries = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10"].map { (key: $0, label: "Something") }
        let shown = FunctionKeyBar.fitting(entries, width: 80).map(\.key)
        #expect(shown.first == "F1" && shown.last == "F10")
        #expect(shown.count < entries.count)
        #expect(shown == Array(entries.prefix(shown.count - 1).map(\.key)) + ["F10"])
        var canvas = Canvas(size: Size(width: 80, height: 1))
        FunctionKeyBar.render(into: &canvas, row: 0, entries: entries)
        #expect(canvas.rowText(0).contains("F10 Something"))
    }

    @Test func aBarThatFitsWithOneSpaceBetweenKeysKeepsThemAll() {
        let entries = ["F1", "F3", "F4", "F5", "F6", "F7", "F8", "F10"].map { (key: $0, label: "Label") }
        // Seven "Fn Label" of 8 columns and "F10 Label" of 9: 79 columns with two spaces between, 72 with one.
        let wide = FunctionKeyBar.fitting(entries, width: 80)
        #expect(wide.count == entries.count)
        let narrow = FunctionKeyBar.fitting(entries, width: 72)
        #expect(narrow.count == entries.count)
        var canvas = Canvas(size: Size(width: 72, height: 1))
        FunctionKeyBar.render(into: &canvas, row: 0, entries: entries)
        #expect(canvas.rowText(0).hasSuffix("F8 Label F10 Label"))
        #expect(FunctionKeyBar.fitting(entries, width: 71).map(\.key) == ["F1", "F3", "F4", "F5", "F6", "F7", "F10"])
    }

    @Test func aTitleTooLongForTheBarEndsWithAnEllipsisNotHalfACluster() {
        var canvas = Canvas(size: Size(width: 40, height: 1))
        TitleBar.render(into: &canvas, title: "Komar — ករណីថ្មីដែលត្រូវពិនិត្យ · អង្គការកុមារ", right: "ចាន់ ដារ៉ា · Social worker")
        let row = canvas.rowText(0)
        #expect(row.contains("…"))
        #expect(DisplayWidth.of(row) == 40)
    }

    /// The organisation is shown whole, or cut after a word, or left out;
    /// never cut inside a word, and never run into the user's name.
    @Test func theOrganisationIsCutAtAWordAndKeptApartFromTheUser() {
        func bar(_ width: Int, _ organisation: String) -> String {
            var canvas = Canvas(size: Size(width: width, height: 1))
            TitleBar.render(into: &canvas, title: "Komar — Office settings", detail: organisation,
                            right: "Admin · System administrator")
            return canvas.rowText(0)
        }
        #expect(bar(100, "អង្គការកុមារ Demo NGO").contains("Office settings · អង្គការកុមារ Demo NGO  "))
        let cut = bar(74, "អង្គការកុមារ Demo NGO")
        #expect(cut.contains("Office settings · អង្គការកុមារ Demo…"), "\(cut)")
        #expect(cut.contains("…  Admin"), "two spaces before the user: \(cut)")
        let oneWord = bar(60, "អង្គការកុមារ")
        #expect(!oneWord.contains("settings ·"), "a name of one word that does not fit is left out: \(oneWord)")
        #expect(!oneWord.contains("អង្គការ"))
    }
}

@MainActor
@Suite struct WideTerminalTests {
    @Test func aWiderTerminalShowsTheCaseListsRiskColumn() throws {
        let narrow = try Harness(language: .en)
        let dara = try narrow.session("dara")
        _ = try narrow.services.cases.createIntake(dara, Harness.childIntake("ស្រីពេជ្រ", "Sreypich"))
        narrow.logIn("dara")
        narrow.select("Cases")
        #expect(!narrow.screen.contains("Risk"))
        let wide = try Harness(size: Size(width: 120, height: 40), language: .en)
        _ = try wide.services.cases.createIntake(try wide.session("dara"), Harness.childIntake("ស្រីពេជ្រ", "Sreypich"))
        wide.logIn("dara")
        wide.select("Cases")
        #expect(wide.screen.contains("Risk"))
        #expect(wide.screen.contains("Low"))
    }
}

/// The list component's heading count against what End has read.
@MainActor
@Suite struct RecordListCountTests {
    @Test func aCappedCountGivesWayToTheRowsEndHasRead() throws {
        let h = try Harness(language: .en)
        let list = RecordList<Int>(app: h.app, columns: [TableColumn("cases.code", width: 10)], searchable: false,
                                   cells: { ["\($0)"] })
        list.load { _, last, limit in
            let first = (last ?? 0) + 1
            return first > 1_100 ? [] : Array(first...min(1_100, first + limit - 1))
        }
        let counted = ListCount.moreThan(1_000)
        #expect(list.shownCount(counted) == .moreThan(1_000), "the first page is within the cap")
        #expect(list.shownCount(.exact(7)) == .exact(7))
        for _ in 0..<4 { _ = list.handleInput(.end) }
        #expect(list.shownCount(counted) == .moreThan(1_050), "End has read past the cap, and there is more")
        _ = list.handleInput(.end)
        #expect(list.shownCount(counted) == .exact(1_100), "the last page has come")
    }

    /// Coming back from a record far down the list reads again from the
    /// first row on screen, not every row above it; those stay as read.
    @Test func comingBackReadsFromTheFirstRowOnScreen() throws {
        let h = try Harness(language: .en)
        let list = RecordList<(number: Int, version: Int)>(
            app: h.app, columns: [TableColumn("cases.code", width: 20)], searchable: false,
            cells: { ["row \($0.number) v\($0.version)"] })
        var read = 0
        var version = 1
        list.load { _, last, limit in
            let first = (last?.number ?? 0) + 1
            let page = first > 1_000 ? [] : Array(first...min(1_000, first + limit - 1))
            read += page.count
            return page.map { ($0, version) }
        }
        func draw() -> String {
            var canvas = Canvas(size: Size(width: 40, height: 12))
            list.render(into: &canvas, area: Rect(row: 0, col: 0, width: 40, height: 12), app: h.app,
                        heading: nil, empty: "none")
            return (0..<12).map(canvas.rowText).joined(separator: "\n")
        }
        for _ in 0..<400 { _ = list.handleInput(.down); _ = draw() }
        #expect(list.selected?.number == 401)
        read = 0
        version = 2
        list.reload(keepingSelection: true)
        let screen = draw()
        #expect(list.selected?.number == 401, "the highlight stays on the same row")
        #expect(screen.contains("row 401 v2") && screen.contains("row 391 v2"), "\(screen)")
        #expect(read <= 100, "read \(read) rows to come back")
        _ = list.handleInput(.home)
        #expect(draw().contains("row 1 v1"), "the rows above the screen stay as they were read")
        list.reload(keepingSelection: false)
        #expect(draw().contains("row 1 v2"), "reading the list again reads them all")
    }
}
