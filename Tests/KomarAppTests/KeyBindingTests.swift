import CaseDomain
import CaseStore
import Foundation
import Localization
import Terminal
import Testing
@testable import KomarApp

/// The keys a screen declares are the keys it has: the README lists them,
/// and every key in every bar does something.
@MainActor
@Suite struct KeyBindingTests {
    @Test func theReadmeKeyTableIsWhatKomarKeysPrints() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- keys:begin (komar keys --markdown) -->\n"))
        let end = try #require(text.range(of: "<!-- keys:end -->"))
        let table = String(text[begin.upperBound..<end.lowerBound])
        #expect(table == KeyReference.markdown(try KeyReference.sections()))
    }

    @Test func everyScreenIsInTheCatalogueAndHasHelpForEachKey() throws {
        let h = try Harness(setUp: false, language: .en)
        try DemoData.fill(h.services, cases: 30)
        let table = StringTable.shipped
        for entry in ScreenCatalog.entries {
            let app = App(backend: MemoryBackend(), services: h.services, language: .en)
            let session = try entry.role.map { try h.demoSession($0) }
            app.session = session
            let screen = try entry.make(app, session)
            for binding in screen.bindings(app: app) {
                #expect(table.entries[binding.labelKey] != nil, "\(screen.titleKey): \(binding.labelKey)")
                #expect(table.entries[binding.helpKey] != nil, "\(screen.titleKey): \(binding.helpKey)")
            }
        }
    }

    /// On any one screen, two different keys never say the same thing in
    /// either language (Log out, Quit and Back once all read ចាកចេញ).
    @Test func theKeysOfAScreenHaveDistinctLabelsInBothLanguages() throws {
        let h = try Harness(setUp: false, language: .en)
        try DemoData.fill(h.services, cases: 30)
        let table = StringTable.shipped
        for entry in ScreenCatalog.entries {
            let app = try h.open(entry, exports: FileManager.default.temporaryDirectory.path)
            let top = try #require(app.stack.last)
            let keys = Set(app.registry(for: top).all.map(\.labelKey))
            for language in Language.allCases {
                var seen: [String: String] = [:]
                for key in keys.sorted() {
                    let text = table.text(key, language) ?? key
                    #expect(seen[text] == nil, "\(top.titleKey): \(key) and \(seen[text] ?? "") both read “\(text)”")
                    seen[text] = key
                }
            }
        }
    }

    /// Presses each enabled key of each screen's bar, each on a fresh app
    /// with the screen on top of the user's home screen, and checks that
    /// something changed: the screen shown, the stack, a dialog or the
    /// status line.
    @Test func everyKeyInEveryBarDoesSomething() throws {
        let h = try Harness(setUp: false, language: .en)
        try DemoData.fill(h.services, cases: 30)
        let exports = FileManager.default.temporaryDirectory.appendingPathComponent("komar-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: exports) }
        var pressed = 0
        for entry in ScreenCatalog.entries {
            let probe = try h.open(entry, exports: exports.path)
            let keys = probe.registry(for: try #require(probe.stack.last)).barEntries.map(\.key)
            for key in keys {
                let app = try h.open(entry, exports: exports.path)
                let title = app.topScreenTitleKey ?? ""
                let before = State(app)
                app.process(key)
                app.settleBackgroundReads()
                #expect(State(app) != before, "\(key.displayName) on \(title) did nothing")
                pressed += 1
            }
        }
        #expect(pressed > 80)
    }

    /// What a key can change.
    private struct State: Equatable {
        let running: Bool
        let depth: Int
        let top: ObjectIdentifier?
        let frame: String

        @MainActor init(_ app: App) {
            running = app.isRunning
            depth = app.stack.count
            top = app.stack.last.map { ObjectIdentifier($0) }
            frame = (app.backend as? MemoryBackend)?.screenText ?? ""
        }
    }
}
