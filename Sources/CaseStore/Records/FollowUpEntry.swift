import CaseDomain
import Foundation
import GRDB

/// A row of `follow_up`: a visit scheduled for a case or a household, and
/// what happened at it.
struct FollowUpEntry: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "follow_up"

    var id: Int64?
    var caseId: Int64?
    var householdId: Int64?
    var type: FollowUpType
    var dueDate: String
    var status: FollowUpStatus
    var doneDate: String?
    var doneBy: Int64?
    var outcome: String
    var wellbeing: Wellbeing?
    var newRiskLevel: RiskLevel?
    var reason: String?
    var createdAt: Date
    var updatedAt: Date
    var createdBy: Int64?
    var version: Int

    /// A visit due on `due`, for a case or a household.
    static func scheduled(caseId: Int64? = nil, householdId: Int64? = nil, type: FollowUpType, due: LocalDate,
                          by: Int64?, now: Date) -> FollowUpEntry {
        FollowUpEntry(id: nil, caseId: caseId, householdId: householdId, type: type, dueDate: due.iso, status: .scheduled,
                      doneDate: nil, doneBy: nil, outcome: "", wellbeing: nil, newRiskLevel: nil, reason: nil,
                      createdAt: now, updatedAt: now, createdBy: by, version: 1)
    }

    /// Records what happened, as reported.
    mutating func record(_ visit: VisitReport, by: Int64, now: Date) {
        status = switch visit.outcome {
        case .done: .done
        case .missed: .missed
        case .cancelled: .cancelled
        }
        type = visit.type
        doneDate = visit.outcome == .done ? visit.date.iso : nil
        doneBy = by
        outcome = visit.notes
        wellbeing = visit.wellbeing
        newRiskLevel = visit.newRiskLevel
        reason = visit.reason.isEmpty ? nil : visit.reason
        updatedAt = now
        version += 1
    }

    /// The worker the household file names: who recorded it, or whose queue it waits in.
    var workerId: Int64? { doneBy ?? createdBy }

    func householdFollowUp(workerName: String?) -> HouseholdFollowUp {
        HouseholdFollowUp(id: id ?? 0, type: type, due: LocalDate(iso: dueDate) ?? LocalDate(year: 2000, month: 1, day: 1)!,
                          status: status, doneDate: doneDate.flatMap(LocalDate.init(iso:)), wellbeing: wellbeing,
                          notes: outcome.isEmpty ? (reason ?? "") : outcome, workerName: workerName)
    }
}
