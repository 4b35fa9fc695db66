import CaseDomain
import CaseStore
import Foundation
import Testing

/// Nothing typed is lost, in the real binary: kill -9 while recording a
/// visit and while filling in a referral, and one account in two
/// terminals.
@Suite(.serialized) struct DraftEndToEndTests {
    /// A demo database with the social worker's follow-ups and households.
    func demo(_ dir: URL) throws -> String {
        let db = dir.appendingPathComponent("demo.sqlite").path
        let filled = try komar(["demo", "--db", db, "--cases", "12"])
        #expect(filled.status == 0, "\(filled.stderr)")
        return db
    }

    /// Logs in as the demo social worker and reads on in English.
    func logIn(_ tmux: TmuxSession, expecting: String) throws {
        try tmux.waitFor("Komar DEMO")
        try tmux.type("socialworker")
        try tmux.press("Tab")
        try tmux.type(DemoData.password)
        try tmux.press("Enter")
        let screen = try tmux.waitFor("Chan Dara ·")
        if screen.contains("F6 English") { try tmux.press("F6") }
        try tmux.waitFor(expecting)
    }

    /// Kills the program in `tmux` the way a power cut or kill -9 does,
    /// after the pause anyone's typing has.
    func kill(_ tmux: TmuxSession) throws {
        Thread.sleep(forTimeInterval: 1)
        let shell = try tmux.format("pane_pid")
        let pid = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try run("/bin/kill", ["-KILL", pid])
        // The shell's message may wrap anywhere on the dead program's screen.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if try tmux.screen().replacingOccurrences(of: "\n", with: "").contains("exited with 137") { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TmuxError(message: "komar did not die")
    }

    @Test func killNineWhileRecordingAVisitLosesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try demo(dir)
        let first = try TmuxSession(command: komarCommand(db))
        try logIn(first, expecting: "Welcome")
        try first.chooseMenuItem("Follow-ups")
        try first.waitFor("Overdue:")
        try first.press("Enter")
        try first.waitFor("What you found")
        try first.press("Tab", "Tab", "Tab")             // outcome, type, date → the child is doing
        try first.press("Enter", "Down", "Enter")
        try first.press("Tab", "Tab")                    // new risk level → what you found
        try first.type("គ្រួសារមានការលំបាក ប៉ុន្តែកុមារទៅសាលារៀនវិញហើយ។")
        let typed = try first.waitFor("ទៅសាលារៀនវិញហើយ")
        let code = try #require(typed.range(of: #"KC-\d{4}-\d{4}"#, options: .regularExpression).map { String(typed[$0]) })
        try kill(first)

        let second = try TmuxSession(command: komarCommand(db))
        try logIn(second, expecting: "Unsaved forms")
        let listed = try second.waitFor("(\(code))")
        #expect(listed.contains("Visit for "), "the visit's draft is named by the child and the code")
        try second.press("Enter")
        let restored = try second.waitFor("What you typed earlier on this form is back.")
        #expect(restored.contains("គ្រួសារមានការលំបាក ប៉ុន្តែកុមារទៅសាលារៀនវិញហើយ។"))
        #expect(restored.contains(code))
        try second.press("F2")
        try second.waitFor("Follow-up of \(code) recorded.")
    }

    @Test func killNineWhileFillingInAReferralLosesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try demo(dir)
        let first = try TmuxSession(command: komarCommand(db))
        try logIn(first, expecting: "Welcome")
        try first.chooseMenuItem("Households")
        try first.waitFor("HH-")
        try first.press("Enter")
        try first.waitFor("F8")
        try first.press("F8")
        try first.waitFor("New referral")
        try first.press("Tab")                           // person → service
        try first.type("sew")
        try first.press("Enter", "Tab", "Tab")           // service: sewing; provider chosen → reason
        try first.type("ចង់រៀនកាត់ដេរ ដើម្បីរកប្រាក់ជួយគ្រួសារ។")
        try first.waitFor("ដើម្បីរកប្រាក់ជួយគ្រួសារ")
        try kill(first)

        let second = try TmuxSession(command: komarCommand(db))
        try logIn(second, expecting: "Unsaved forms")
        try second.waitFor("Referral of")
        try second.press("Enter")
        let restored = try second.waitFor("What you typed earlier on this form is back.")
        #expect(restored.contains("ចង់រៀនកាត់ដេរ ដើម្បីរកប្រាក់ជួយគ្រួសារ។"))
        #expect(restored.contains("Sewing"))
    }

    @Test func twoTerminalsOfOneAccountKeepTwoDrafts() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try demo(dir)
        let left = try TmuxSession(command: komarCommand(db))
        let right = try TmuxSession(command: komarCommand(db))
        for (tmux, name) in [(left, "Dara Left"), (right, "Sokha Right")] {
            try logIn(tmux, expecting: "Welcome")
            try tmux.chooseMenuItem("New intake")
            try tmux.waitFor("Child's name (Khmer)")
            try tmux.press("Tab")
            try tmux.type(name)
            try tmux.waitFor(name)
        }
        // The right terminal does not see the left one's intake.
        #expect(try !right.screen().contains("Dara Left"))
        try kill(left)
        try kill(right)
        let next = try TmuxSession(command: komarCommand(db))
        try logIn(next, expecting: "Unsaved forms")
        let list = try next.waitFor("2 forms you did not save.")
        #expect(list.contains("New intake: Dara Left"))
        #expect(list.contains("New intake: Sokha Right"))
    }
}
