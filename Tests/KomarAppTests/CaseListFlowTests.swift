import CaseDomain
import CaseStore
import Foundation
import Terminal
import Testing
@testable import KomarApp

/// The case list's search box, worker filter and orders, as a social
/// worker uses them.
@MainActor
@Suite struct CaseListFlowTests {
    /// Three cases; the middle one accepted by Dara at critical risk.
    func world() throws -> Harness {
        let h = try Harness(language: .en)
        let dara = try h.session("dara")
        _ = try h.services.cases.createIntake(dara, Harness.childIntake("សុខ ស្រីនាង", "Sok Sreyneang"))
        let accepted = try h.services.cases.createIntake(dara, Harness.childIntake("ចាន់ ធីតា", "Chan Thida"), savedDespite: ["x"])
        _ = try h.services.cases.createIntake(dara, Harness.childIntake("កែវ ពិសី", "Keo Pisey"), savedDespite: ["x"])
        try h.services.cases.apply(dara, caseId: accepted.id, CaseChange(action: .accept, expectedVersion: 1,
                                                                         assignTo: dara.user.id, riskLevel: .critical,
                                                                         note: "Beaten at home last week."))
        return h
    }

    /// End reads a few pages at a time: when the list goes on, the status
    /// line says so, and End again goes further.
    @Test func endSaysWhenTheListGoesOnBeyondWhatItRead() throws {
        let h = try Harness(language: .en)
        try h.fillDemoRecords(cases: 320)
        h.logIn("dara")
        h.press(.char("4"))
        #expect(h.app.topScreenTitleKey == "cases.title")
        h.press(.end)
        #expect(h.screen.contains("rows are shown: End again shows more."))
        h.press(.end)
        #expect(!h.screen.contains("End again shows more."), "the second End reaches the last case")
    }

    /// Typing never waits on the list's count: the key draws the rows at
    /// once and says "Counting…"; the count, read on another thread, is
    /// shown at the pause after the key (the loop's tick).
    @Test func theCountIsReadOffTheKeystrokeAndShownAtThePause() throws {
        let h = try world()
        h.logIn("dara")
        h.press(.char("4"))
        h.app.process(Key.typing("ធីតា"))
        #expect(h.screen.contains("Chan Thida"), "the rows are drawn with the key")
        #expect(h.screen.contains("Counting…"))
        let deadline = Date().addingTimeInterval(10)
        while h.screen.contains("Counting…") && Date() < deadline {
            usleep(2_000)
            h.app.tick()
        }
        #expect(h.screen.contains("1 case"), "\(h.screen)")
        h.press(.function(6))
        h.app.process(.ctrl("u"))
        #expect(h.screen.contains("កំពុងរាប់…"))
        h.app.settleBackgroundReads()
        #expect(h.screen.contains("ករណីចំនួន ៣"))
    }

    @Test func typingInTheListSearchesKhmerOrLatinAsYouType() throws {
        let h = try world()
        h.logIn("dara")
        h.press(.char("4"))
        #expect(h.app.topScreenTitleKey == "cases.title")
        #expect(h.screen.contains("Find:"))
        #expect(h.screen.contains("3 cases · Newest registered first"), "the usual order is said too")
        h.type("ធីតា")
        #expect(h.screen.contains("1 case"))
        #expect(h.screen.contains("Chan Thida"))
        #expect(!h.screen.contains("Keo Pisey"))
        h.press(.ctrl("u"))
        h.type("pis")
        #expect(h.screen.contains("Keo Pisey"))
        #expect(!h.screen.contains("Chan Thida"))
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "case.title")
        #expect(h.screen.contains("កែវ ពិសី"))
        h.press(.escape)
        #expect(h.screen.contains("Keo Pisey"))       // the search is still there on coming back
        h.type("zz")
        #expect(h.screen.contains("Nothing found."))
    }

    @Test func theFilterChoosesAWorkerAndAnOrder() throws {
        let h = try world()
        h.logIn("dara")
        h.press(.char("4"), .function(5))
        #expect(h.screen.contains("Order"))
        h.press(.tab, .tab, .tab, .enter)                // status, risk, overdue, then "Assigned to"
        #expect(h.screen.contains("ចាន់ ដារ៉ា (me)"))
        h.press(.enter, .function(2))
        #expect(h.screen.contains("1 case · Filter: Assigned to: ចាន់ ដារ៉ា (F5 to change)"))
        #expect(h.screen.contains("Chan Thida"))
        #expect(!h.screen.contains("Sok Sreyneang"))
        h.press(.function(5), .tab, .tab, .tab, .delete)  // anyone
        for _ in 0..<4 { h.press(.tab) }                  // on to the order
        h.press(.enter, .end, .enter, .function(2))       // highest risk first
        #expect(h.screen.contains("3 cases · Filter: Highest risk first (F5 to change)"))
        let lines = h.screen.split(separator: "\n").map(String.init)
        let thida = try #require(lines.firstIndex { $0.contains("Chan Thida") })
        let pisey = try #require(lines.firstIndex { $0.contains("Keo Pisey") })
        let sok = try #require(lines.firstIndex { $0.contains("Sok Sreyneang") })
        #expect(thida < pisey && pisey < sok)            // critical, then the newest not yet assessed
    }

    @Test func theReviewQueueHasASearchBoxToo() throws {
        let h = try world()
        h.logIn("dara")
        h.press(.char("2"))
        #expect(h.app.topScreenTitleKey == "review.title")
        #expect(h.screen.contains("Find:"))
        #expect(h.screen.contains("Keo Pisey") && h.screen.contains("Sok Sreyneang"))
        h.type("ពិសី")
        #expect(h.screen.contains("Keo Pisey"))
        #expect(!h.screen.contains("Sok Sreyneang"))
        h.press(.enter)
        #expect(h.app.topScreenTitleKey == "case.title")
    }
}
