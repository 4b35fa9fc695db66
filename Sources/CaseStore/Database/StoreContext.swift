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

    /// Appends an audit event for `session`'s user inside the current
    /// transaction.
    func audit(_ db: Database, _ session: Session, _ action: AuditAction, entity: String = "", id: Int64? = nil,
               summary: String = "") throws {
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

    /// Volunteers see the households they registered; social workers and
    /// coordinators see all.
    static func households(_ session: Session) throws -> SQLCondition {
        if session.may(.viewAllCases) { return .always }
        try session.require(.viewOwnCases)
        return SQLCondition("household.created_by = ?", [session.user.id])
    }
}
