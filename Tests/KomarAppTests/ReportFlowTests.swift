import CaseDomain
import CaseStore
import Foundation
import Terminal
import Testing
@testable import KomarApp

/// The Reports screen as its users meet it: a social worker reads a
/// report in English and cannot export it; a coordinator in Khmer picks
/// the referrals report for a quarter in a province, steps a period back,
/// and writes it to a spreadsheet.
@MainActor
@Suite struct ReportFlowTests {
    @Test func socialWorkerReadsAReportScrollsItAndCannotExport() throws {
        let h = try Harness(language: .en)
        try h.fillDemoRecords(cases: 120)
        h.logIn("dara")
        h.select("Reports")
        #expect(h.app.topScreenTitleKey == "reports.title")
        #expect(h.screen.contains("Period *     2026-11"), "this month to start with")
        h.press(.tab, .ctrl("u"))
        h.type("2026-13")
        h.press(.function(2))
        #expect(h.screen.contains("✗ Write a month (2026-10), a quarter (2026-Q3)"))
        #expect(h.app.topScreenTitleKey == "reports.title")
        h.press(.ctrl("u"))
        h.type("2026")
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "report.cases")
        #expect(h.screen.contains("Cases report · 2026 (to 21 Nov 2026) · Whole office"))
        #expect(h.screen.contains("New cases by concern and age"))
        #expect(h.screen.contains("Figures are totals with the females among them in brackets"))
        let expected = try h.allCases().filter { $0.reportedDate.year == 2026 }.count
        #expect(h.screen.contains("All new cases"))
        #expect(h.screen.split(separator: "\n").contains { $0.contains("All new cases") && $0.contains(" \(expected) (") })
        #expect(!h.screen.contains("F8 Export"), "only coordinators export")
        h.press(.function(1))
        #expect(h.screen.contains("only coordinators may export"))
        h.press(.function(1))
        // The table fits the screen, and the notes are wrapped to it: nothing to scroll sideways.
        #expect(h.screen.contains("(493)."), "the legend wrapped, not cut")
        h.press(.right)
        #expect(!h.screen.contains("…"))
        #expect(!h.screen.contains("← →"), "no sideways hint when every table fits")
        h.press(.home)
        #expect(h.screen.contains("Cases report · 2026 (to 21 Nov 2026) · Whole office"), "a period not yet over says so")
        h.press(.function(5))
        #expect(h.screen.contains("Cases report · 2026 (to 21 Nov 2026)"), "no later period: it has not begun")
        h.press(.function(4))
        #expect(h.screen.contains("Cases report · 2025 · Whole office"))
        h.press(.function(5))
        #expect(h.screen.contains("Cases report · 2026 (to 21 Nov 2026)"))
        h.press(.function(4))
        h.press(.function(6))
        #expect(h.screen.contains("របាយការណ៍ករណី · ២០២៥ · ការិយាល័យទាំងមូល"), "F6 says it again in Khmer")
    }

    @Test func aPeriodThatCannotBeCountedIsSaidPlainlyAndTheFormFollowsTheReport() throws {
        let h = try Harness(language: .en)
        try h.fillDemoRecords(cases: 40)
        h.logIn("dara")
        h.select("Reports")
        h.press(.tab, .ctrl("u"))
        h.type("2026-02-30..2026-03-31")
        h.press(.function(2))
        #expect(h.screen.contains("✗ That day is not in the calendar"))
        h.press(.ctrl("u"))
        h.type("2")
        #expect(!h.screen.contains("That day is not in the calendar"), "the message goes once the period is changed")
        h.press(.ctrl("u"))
        h.type("2030")
        h.press(.function(2))
        #expect(h.screen.contains("✗ This period has not started yet"))
        #expect(h.app.topScreenTitleKey == "reports.title", "nothing counted for a period to come")
        h.press(.ctrl("u"))
        h.type("2026-10")
        h.press(.function(2))
        #expect(h.screen.contains("Cases report · Oct 2026"))
        h.press(.function(4), .function(4))
        #expect(h.screen.contains("Cases report · Aug 2026"))
        h.press(.function(10))
        #expect(h.app.topScreenTitleKey == "reports.title")
        #expect(h.screen.contains("Period *     2026-08"), "the form shows the period the report last showed")
    }

    @Test func theOfficesAgeBandsAreTheReportsStartingChoice() throws {
        let h = try Harness(language: .en)
        try h.fillDemoRecords(cases: 40)
        var settings = try h.services.settings.office()
        settings.ageBands = .primero
        try h.services.settings.save(h.auditor, settings)
        h.logIn("dara")
        h.select("Reports")
        #expect(h.screen.contains("Primero (0–4, 5–11, 12–17, 18–59, 60+)"))
        h.press(.function(2))
        #expect(h.screen.split(separator: "\n").contains { $0.contains("0–4") && $0.contains("5–11") && $0.contains("60+") })
        let audit = try h.services.audit.recent(h.auditor, limit: 10)
        #expect(audit.contains { $0.summary == "age_bands: child-protection → primero" })
    }

    /// The province list opens inside the screen, above the status line:
    /// its last row, highlighted by End, is drawn, and so is its border
    /// (the form was three rows taller than the screen when the hint took
    /// three lines, and Enter chose a province that was never shown).
    @Test func theAreaListFitsAboveTheStatusLine() throws {
        let h = try Harness(language: .km)
        h.logIn("dara")
        h.select("របាយការណ៍")
        h.press(.tab, .tab, .enter, .end)
        let rows = h.screen.split(separator: "\n", omittingEmptySubsequences: false)
        let bottom = rows.firstIndex { $0.contains("└") }
        #expect(bottom != nil && bottom! < 22, "the list's border is above the status line: \(h.screen)")
        #expect(rows.prefix(22).contains { $0.contains("ត្បូងឃ្មុំ") }, "the last province is shown: \(h.screen)")
        h.press(.enter)
        #expect(h.screen.contains("ត្បូងឃ្មុំ"))
    }

    @Test func coordinatorExportsTheQuartersReferralReportInKhmer() throws {
        let h = try Harness(language: .km)
        try h.services.accounts.addUser(by: Harness.admin, username: "vannak", displayName: "វណ្ណៈ", role: .coordinator,
                                        password: testPassword, languageCode: "km")
        try h.fillDemoRecords(cases: 120)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("komar-reports-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        h.app.exportDirectory = folder.path
        h.logIn("vannak")
        h.select("របាយការណ៍")
        #expect(h.screen.contains("២០២៦-១១"), "the period in Khmer digits")
        h.press(.function(6))
        #expect(h.screen.contains("Period *     2026-11"), "F6 writes the period in the other language's digits")
        h.press(.function(6))
        #expect(h.screen.contains("២០២៦-១១") && !h.screen.contains("2026-11"))
        h.press(.enter, .down, .down, .down, .enter)          // the referrals report
        h.press(.tab, .ctrl("u"))
        h.type("២០២៦-Q៤")
        h.press(.tab, .enter)
        h.type("ព្រៃវែង")
        h.press(.enter)
        h.press(.function(2))
        #expect(h.app.topScreenTitleKey == "report.referrals")
        #expect(h.screen.contains("របាយការណ៍ការបញ្ជូនបន្ត · ត្រីមាសទី៤ ឆ្នាំ២០២៦ (ដល់ ២១ វិច្ឆិកា ២០២៦) · ព្រៃវែង (១៤)"))
        #expect(h.screen.contains("ការបញ្ជូនបន្តក្នុងរយៈពេលនេះ រួមទាំងសេចក្ដីព្រាង តាមសេវា អ្នកផ្ដល់សេវា និងស្ថានភាព"))
        #expect(h.screen.contains("តារាងធំជាងអេក្រង់៖ ចុច ← → ដើម្បីរំកិលទៅឆ្វេង ឬស្ដាំ"), "wide tables say they scroll")
        h.press(.function(4))
        #expect(h.screen.contains("ត្រីមាសទី៣ ឆ្នាំ២០២៦"))
        // The first table is wider than the screen: sideways, each row keeps its service and provider.
        h.press(.down, .down, .down, .down)
        func headingRow() -> Substring? {
            h.screen.split(separator: "\n").first { $0.contains("សេវា") && $0.contains("អ្នកផ្ដល់សេវា") && !$0.contains("តាមសេវា") }
        }
        let title = h.screen.split(separator: "\n").first { $0.contains("តាមសេវា") }
        let before = headingRow()
        h.press(.right, .right, .right)
        let after = headingRow()
        #expect(title != nil && h.screen.split(separator: "\n").first { $0.contains("តាមសេវា") } == title,
                "the table's title stays where it is")
        #expect(before != nil && after != nil, "the heading row keeps its service and provider")
        #expect(after?.contains("‹") ?? false, "and marks the columns scrolled past")
        #expect(before != after)
        // Tables and charts that fit the screen stay where they are: the people reached, by age band.
        var adults: Substring?
        for _ in 0..<12 where adults == nil {
            h.press(.pageDown)
            adults = h.screen.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("១៨+") }
        }
        #expect(adults != nil && !(adults?.contains("‹") ?? true), "a table that fits is not scrolled: \(adults ?? "")")
        h.press(.home)
        h.press(.function(8))
        #expect(h.app.topScreenTitleKey == "report.export-title")
        #expect(h.screen.contains("komar-report-referrals-2026-Q3.xlsx"))
        h.press(.function(2))
        let file = folder.appendingPathComponent("komar-report-referrals-2026-Q3.xlsx")
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(h.screen.contains("បានសរសេរតារាងចំនួន ៧ ទៅ"))
        let data = try Data(contentsOf: file)
        #expect(data.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a zip (xlsx) file")
        let audited = try h.services.audit.recent(h.auditor, limit: 3)
        #expect(audited.contains { $0.action == "export" && $0.summary.hasPrefix("report referrals 2026-Q3 area 14 as xlsx") })
    }
}

/// The home screen's dashboard: work waiting on the menu lines that open
/// it, and the year in bars, in both languages.
@MainActor
@Suite struct DashboardFlowTests {
    @Test func coordinatorSeesTheYearInBarsAndWorkWaitingInBothLanguages() throws {
        let h = try Harness(language: .en)
        try h.services.accounts.addUser(by: Harness.admin, username: "vannak", displayName: "Vannak", role: .coordinator,
                                        password: testPassword, languageCode: "en")
        try h.fillDemoRecords(cases: 120)
        h.logIn("vannak")
        let session = try h.session("vannak")
        let dashboard = try h.services.dashboard.dashboard(session)
        let cases = dashboard.months.map(\.cases).reduce(Tally(), +)
        #expect(cases.total > 0)
        let share = cases.female * 100 / cases.total
        #expect(h.screen.contains("New cases      "))
        #expect(h.screen.contains("  \(cases.total) (\(cases.female) female, \(share)%)"))
        #expect(h.screen.contains("Dec 2025 to Nov 2026"))
        let counts = try h.services.followUps.queueCounts(session)
        if counts.overdue > 0 {
            #expect(h.screen.contains("Follow-ups (\(counts.overdue + counts.today) due, \(counts.overdue) of them overdue)"))
        }
        h.select("Follow-ups")
        #expect(h.app.topScreenTitleKey == "followups.title")
        h.press(.escape)
        h.press(.function(6))
        #expect(h.screen.contains("ករណីថ្មី"))
        #expect(h.screen.contains("ធ្នូ ២០២៥ ដល់ វិច្ឆិកា ២០២៦"))
        #expect(h.screen.contains("▇") || h.screen.contains("█"))
    }

    /// A social worker's home has ten numbered items; a form kept for later
    /// adds a line and F4, not an eleventh item without a number, and the
    /// year in bars stays on an 80x24 screen (the hint makes way for it).
    @Test func aFormKeptForLaterLeavesTheChartAndEveryNumberInPlace() throws {
        let h = try Harness(language: .km)
        try h.fillDemoRecords(cases: 60)
        h.logIn("dara")
        #expect(h.screen.contains("   ០  ចាកចេញពីគណនី"), "menu numbers in Khmer digits")
        #expect(h.screen.contains("ចុច ↑ ↓ និង Enter"))
        h.press(.char("1"))
        h.type("ស្រីនាង ហេង")
        h.press(.escape, .left, .enter)                              // Keep for later
        #expect(h.app.topScreenTitleKey == "home.title")
        #expect(h.screen.contains("ទម្រង់ចំនួន ១ មិនទាន់រក្សាទុក កំពុងរង់ចាំអ្នក៖ ចុច F4 ដើម្បីមើល។"))
        #expect(h.screen.contains("F4 មិនទាន់រក្សាទុក"))
        #expect(h.screen.contains("   ០  ចាកចេញពីគណនី"), "the tenth item keeps its number")
        // The chart's own lines: its bars and its months ("ករណីថ្មី" alone is
        // also in the menu's "ទទួលករណីថ្មី").
        #expect(h.screen.unicodeScalars.contains { (0x2581...0x2588).contains($0.value) }, "the bars: \(h.screen)")
        #expect(h.screen.contains("ការបញ្ជូនបន្តថ្មី"))
        #expect(h.screen.contains("ធ្នូ ២០២៥ ដល់ វិច្ឆិកា ២០២៦"), "the months under the bars")
        #expect(!h.screen.contains("ចុច ↑ ↓ និង Enter"), "the hint made way for the chart")
        h.press(.char("០"))
        #expect(h.app.topScreenTitleKey == "login.title", "a Khmer digit chooses the tenth item")
    }
}

/// F1 explains the marks the lists use (~ after an estimated age, !, ⚠)
/// and how to tick a choice, in both languages.
@MainActor
@Suite struct HelpFlowTests {
    @Test func helpExplainsTheListsMarks() throws {
        let h = try Harness(language: .en)
        h.logIn("dara")
        h.select("Cases")
        h.press(.function(1))
        #expect(h.app.topScreenTitleKey == "help.title")
        for _ in 0..<3 { h.press(.pageDown) }
        #expect(h.screen.contains("~ after an age means the age was estimated"), "\(h.screen)")
        h.press(.function(6))
        #expect(h.screen.contains("សញ្ញា ~ បន្ទាប់ពីអាយុ មានន័យថាអាយុនោះប៉ាន់ស្មាន"), "\(h.screen)")
    }
}

/// The export screen's line saying what is exported wraps onto a second
/// line when it is wider than the screen (a long report name and period).
@MainActor
@Suite struct ExportScreenLayoutTests {
    @Test func whatIsExportedWrapsAndIsNotCut() throws {
        let h = try Harness(language: .en)
        h.logIn("admin")
        let what = "Referrals (trafficking prevention), 1 January 2026 – 30 June 2026, Prey Veng province "
            + "(.xlsx, .csv, .md or .txt)"
        h.app.push(ExportScreen(app: h.app, titleKey: "report.export-title", what: { what }, fileName: "r.xlsx",
                                doneKey: "report.export-done") { _, _ in 0 })
        h.app.render()
        #expect(h.screen.contains("Referrals (trafficking prevention), 1 January 2026 – 30 June 2026, Prey Veng"))
        #expect(h.screen.contains("province (.xlsx, .csv, .md or .txt)"), "\(h.screen)")
        #expect(h.screen.contains("Type the file's path and press F2 or Enter."))
        #expect(h.screen.contains("r.xlsx"))
    }
}
