import CaseDomain
@testable import CaseStore
import Foundation
import GRDB
import Terminal
import Testing
@testable import KomarApp

/// Typing never waits on the database, and drafts are never claimed when
/// they were not written: a file another program holds locked, and a full
/// disk.
@MainActor
@Suite(.serialized) struct DraftSafetyTests {
    @Test func typingWhileTheFileIsLockedNeverWaitsAndTheDraftCatchesUp() throws {
        let database = try TemporaryDatabase("lock")
        defer { database.remove() }
        let path = database.path
        let h = try Harness(language: .en, file: path)
        h.logIn("sreymom")
        h.press(.char("1"))
        // Another program takes the write lock and keeps it.
        var holding = Configuration()
        holding.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: holding)
        try other.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        let text = "ស្រីពេជ្រ ប្រាក់"
        var slowest: TimeInterval = 0
        for key in Key.typing(text) {
            let start = Date()
            h.press(key)
            h.app.tick()
            slowest = max(slowest, Date().timeIntervalSince(start))
        }
        // A key that waited for the lock would take the busy timeout (3 s);
        // these take no wait at all.
        #expect(slowest < 1)
        #expect(h.screen.contains(text))
        #expect(h.screen.contains("Not yet kept as a draft: Another user is saving"))
        try other.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        let mom = try h.session("sreymom")
        // The app ticks every quarter second; drafts are written at most every
        // `flushInterval`, counted from the last (failed) try, in real time.
        Thread.sleep(forTimeInterval: Double(DraftKeeper.flushInterval) / 1e9 + 0.05)
        h.app.tick()
        #expect(h.screen.contains("Your typing is kept as a draft again."))
        let draft = try #require(try h.services.drafts.load(mom, DraftKey("intake"), terminal: h.app.drafts.terminal))
        #expect(draft.payload.contains(text))
        try other.close()
    }

    @Test func aFullDiskKeepsTheFormSaysSoAndNeverClaimsADraft() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        h.press(.char("1"))
        h.type("Dara")
        h.app.tick()
        // The disk fills: no page can be added, and none is free (pages a
        // migration freed would be used first).
        try h.services.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        for _ in 0..<11 { h.press(.tab) }                    // on to "What happened"
        let story = String(repeating: "កុមារីត្រូវបានគេសន្យាការងារនៅប្រទេសថៃ។ ", count: 40)
        h.type(story)
        h.app.tick()
        #expect(h.screen.contains("Not yet kept as a draft: The disk is full"))
        #expect(h.screen.contains("កុមារីត្រូវបានគេសន្យាការងារ"))            // the form keeps everything
        h.press(.ctrl("c"))
        #expect(h.screen.contains("What you typed could not be kept as a draft"))
        h.press(.char("n"))
        #expect(h.app.isRunning)
        // Space again: the draft is written, and quitting says so truly.
        try h.services.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = 1073741823")
        }
        h.app.tick()
        #expect(h.screen.contains("Your typing is kept as a draft again."))
        h.press(.ctrl("c"))
        #expect(h.screen.contains("What you typed is kept as a draft"))
        h.press(.char("y"))
        #expect(!h.app.isRunning)
        let mom = try h.session("sreymom")
        let left = try #require(try h.services.drafts.unsaved(mom, terminal: TerminalSession(id: "next")).first)
        #expect(left.payload.contains("Dara"))
        #expect(left.payload.contains("កុមារីត្រូវបានគេសន្យាការងារ"))
    }

    @Test func f10OnHomeSaysSoWhenTheDraftsCannotBeCounted() throws {
        let h = try Harness(language: .en)
        h.logIn("sreymom")
        try h.services.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "ALTER TABLE form_draft RENAME TO form_draft_gone")
        }
        h.press(.function(10))
        #expect(h.screen.contains("Komar could not check for unsaved forms"))
        #expect(h.app.isRunning)
        h.press(.char("y"))
        #expect(!h.app.isRunning)
    }
}
