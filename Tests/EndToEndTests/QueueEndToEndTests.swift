import Foundation
import GRDB
import Testing

/// The social worker's queues in the real binary on a 3,000-case demo:
/// what the home screen counts is what the queue counts, and both are what
/// the database holds.
@Suite(.serialized) struct QueueEndToEndTests {
    @Test func theFollowUpQueueCountsWhatHomeCountsAndTheDatabaseHolds() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("komar.sqlite").path
        let demo = try komar(["demo", "--db", db, "--cases", "3000"])
        #expect(demo.status == 0, "\(demo.stderr)")

        // Straight from the file: the social worker's scheduled visits (of the
        // cases assigned to them, and of households they registered or whose
        // visit they scheduled),
        // overdue, due today and in the next seven days.
        let queue = try DatabaseQueue(path: db)
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate])
        let (overdue, dueToday, upcoming) = try queue.read { db -> (Int, Int, Int) in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(CASE WHEN f.due_date < ?1 THEN 1 END) AS overdue,
                       COUNT(CASE WHEN f.due_date = ?1 THEN 1 END) AS today,
                       COUNT(CASE WHEN f.due_date > ?1 AND f.due_date <= date(?1, '+7 days') THEN 1 END) AS upcoming
                FROM follow_up f LEFT JOIN child_case c ON c.id = f.case_id LEFT JOIN household h ON h.id = f.household_id
                  JOIN user u ON u.username = 'socialworker'
                WHERE f.status = 'scheduled'
                  AND ((c.id IS NOT NULL AND c.assigned_to = u.id)
                       OR (h.id IS NOT NULL AND (f.created_by = u.id OR h.created_by = u.id)))
                """, arguments: [today])!
            return (row["overdue"], row["today"], row["upcoming"])
        }
        try queue.close()
        #expect(overdue > 200)                                   // more than one page of work

        let tmux = try TmuxSession(command: komarCommand(db))
        try tmux.waitFor("ឈ្មោះអ្នកប្រើ")
        try tmux.type("socialworker")
        try tmux.press("Tab")
        try tmux.type("demo1234")
        try tmux.press("Enter")
        try tmux.waitFor("សូមស្វាគមន៍")
        try tmux.press("F6")
        let home = try tmux.waitFor("Follow-ups (")
        let due = overdue + dueToday
        let english = { (n: Int) in n.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }
        #expect(home.contains("Follow-ups (\(english(due)) due, \(english(overdue)) of them overdue)"), "\(home)")
        try tmux.chooseMenuItem("Follow-ups (")
        let list = try tmux.waitFor("Overdue: ")
        #expect(list.contains("Overdue: \(english(overdue)) · due today: \(english(dueToday)) · next 7 days: \(english(upcoming))"),
                "\(list)")
        // Risk is on every row; the first rows are overdue.
        #expect(list.contains("Risk"))
        #expect(list.split(separator: "\n")[4].contains("⚠"))
        try tmux.press("F10")
        try tmux.waitFor("Welcome")
        try tmux.press("F10")
        try tmux.type("y")                          // Quit Komar? asked on Home
        try tmux.waitFor("komar exited with 0")
    }
}
