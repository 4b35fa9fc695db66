import CaseDomain
import Foundation
import GRDB

/// What every service works with: the one database and the clock.
struct StoreContext: Sendable {
    let database: AppDatabase
    let clock: Clock

    var now: Date { clock.now() }
    var today: LocalDate { clock.today }

    func read<T>(_ block: (Database) throws -> T) throws -> T { try database.read(block) }
    func write<T>(_ block: (Database) throws -> T) throws -> T { try database.write(block) }
    func writeWithJournalsInMemory<T>(_ block: (Database) throws -> T) throws -> T {
        try database.writeWithJournalsInMemory(block)
    }

    /// Writes, and deletes the draft the write saves, in one transaction: a
    /// crash between the two can never offer a form that is already saved.
    func write<T>(clearing draft: DraftRef?, for session: Session, _ block: (Database) throws -> T) throws -> T {
        try database.write { db in
            let result = try block(db)
            if let draft { try DraftService.delete(db, userId: session.user.id, draft) }
            return result
        }
    }

    /// Appends an audit event for `session`'s user inside the current
    /// transaction. A session whose user an admin has since disabled, or
    /// given another role, may no longer write: every write is audited, so
    /// this check guards them all.
    /// The actions that change the record they name.
    static let changes: Set<AuditAction> = [.create, .update, .statusChange, .userDisabled, .userEnabled, .userUnlocked,
                                            .roleChanged, .passwordReset, .passwordChanged]

    func audit(_ db: Database, _ session: Session, _ action: AuditAction, entity: String = "", id: Int64? = nil,
               summary: String = "") throws {
        if action != .logout && action != .lock {
            let row = try Row.fetchOne(db, sql: "SELECT is_active, role FROM user WHERE id = ?", arguments: [session.user.id])
            guard let row, row["is_active"] as Bool, (row["role"] as Role) == session.user.role else {
                throw PermissionDenied(role: session.user.role, action: .viewOwnCases)
            }
        }
        // Every write names its record here, so this one check keeps an
        // office's records read-only at head office: they change only at
        // their office, and arrive in its files.
        if let id, Self.changes.contains(action), try !OfficeIdentity.owns(db, id) {
            throw PermissionDenied(role: session.user.role, action: .manageSettings)
        }
        try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username, action: action,
                            entity: entity, entityId: id, summary: summary)
    }
}

/// Which records a session may see, as SQL conditions (DESIGN §3).
enum Visibility {
    /// Volunteers see the cases they registered or were asked to visit;
    /// social workers and coordinators see all; admins none.
    static func cases(_ session: Session) throws -> SQLCondition {
        if session.may(.viewAllCases) { return .always }
        try session.require(.viewOwnCases)
        return SQLCondition(
            "(child_case.created_by = ? OR child_case.id IN (SELECT case_id FROM case_visitor WHERE user_id = ?))",
            [session.user.id, session.user.id])
    }

    /// Volunteers see the households they registered or that are linked to
    /// a case they may see; social workers and coordinators see all.
    static func households(_ session: Session) throws -> SQLCondition {
        if session.may(.viewAllCases) { return .always }
        let cases = try Self.cases(session)
        return SQLCondition("(household.created_by = ? OR household.id IN (SELECT child_case.household_id FROM child_case "
                            + "WHERE child_case.household_id IS NOT NULL AND \(cases.sql)))",
                            [session.user.id] + cases.arguments)
    }
}
