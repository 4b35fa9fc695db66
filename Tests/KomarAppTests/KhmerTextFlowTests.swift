import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Terminal
import Testing
@testable import KomarApp

/// Issue 13 through the screens: invisible characters stay invisible, and
/// every spelling of a name or a village finds it.
@MainActor
@Suite struct KhmerTextFlowTests {
    @Test func aNameWithAZeroWidthSpaceShowsNoDottedCircleAndIsFoundWithASpace() throws {
        let h = try Harness(language: .km)
        let dara = try h.session("dara")
        var input = Harness.childIntake("ស្រីពេជ្រ\u{200B}ប្រាក់", "Sreypich Prak")
        input.villageCode = "09070101"                             // សា្ពនក្ដារ, stored with its subscript after the vowel
        _ = try h.services.cases.createIntake(dara, input)
        h.logIn("dara")
        h.press(.function(3))
        h.type("ស្រីពេជ្រ ប្រាក់")                                   // typed with a space between the words
        #expect(h.screen.contains("ស្រីពេជ្រប្រាក់"))                 // drawn without the invisible space…
        #expect(!h.screen.contains("\u{25CC}"))                    // …and without a dotted circle
        h.press(.ctrl("u"))
        h.type("ស្ពានក្តារ")                                         // the usual spelling of the village
        #expect(h.screen.contains("Sreypich Prak"))
        h.press(.ctrl("u"))
        h.type("រី")                                                // only inside a subscript: no match
        #expect(!h.screen.contains("Sreypich Prak"))
    }
}

@MainActor
@Suite struct KhmerFieldFlowTests {
    /// dara's saved language is Khmer; F6 at the login screen chooses
    /// English, and English it stays after logging in, and next time.
    @Test func theLanguageChosenAtTheLoginScreenIsKeptAtLogin() throws {
        let h = try Harness(language: .km)
        h.press(.function(6))
        #expect(h.app.currentLanguage == .en)
        h.logIn("dara")
        #expect(h.app.topScreenTitleKey == "home.title")
        #expect(h.app.currentLanguage == .en, "not put back to the saved Khmer")
        #expect(h.screen.contains("Reports"))
        #expect(try h.session("dara").user.languageCode == "en", "and kept for next time")
    }

    @Test func dateFieldsShowKhmerDigitsInKhmer() throws {
        let h = try Harness(language: .km)
        h.logIn("sreymom")
        h.press(.char("1"))
        #expect(h.screen.contains("២១/១១/២០២៦"))                    // reported on: today, in Khmer digits
        #expect(!h.screen.contains("21/11/2026"))
    }

    @Test func aLongKhmerQueryScrollsInsideTheSearchBox() throws {
        let h = try Harness(language: .km)
        h.logIn("dara")
        h.press(.char("4"))                                        // cases
        #expect(h.app.topScreenTitleKey == "cases.title")
        let query = String(repeating: "ស្រីពេជ្រ", count: 12)
        h.type(query)
        let row = try #require(h.screen.split(separator: "\n").first { $0.contains("ស្រីពេជ្រ") })
        #expect(DisplayWidth.of(row) <= 80)
        #expect(row.contains("ពេជ្រស្រីពេជ្រ"))                      // the text scrolled, whole clusters shown
    }
}
