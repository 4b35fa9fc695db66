import CaseStore
import KhmerText

/// Finds the worker a household's first visit goes to, by username or by
/// display name (in either script, folded as names are searched): an
/// active social worker or coordinator, as a case is assigned to.
struct WorkerFinder: Sendable {
    private let byName: [String: Set<Int64>]
    /// The worker of the households whose rows name none (`--worker`).
    var fallback: Int64?

    init(_ workers: [Assignee]) {
        var byName: [String: Set<Int64>] = [:]
        for worker in workers {
            for key in [worker.username.lowercased(), SearchKey.make(worker.displayName)] where !key.isEmpty {
                byName[key, default: []].insert(worker.id)
            }
        }
        self.byName = byName
    }

    enum Found: Equatable {
        case one(Int64)
        case none
        /// Several workers have this display name: the username tells them apart.
        case several
    }

    func find(_ text: String) -> Found {
        let trimmed = text.trimmingSpaces()
        let ids = byName[trimmed.lowercased()] ?? byName[SearchKey.make(trimmed)] ?? []
        guard ids.count < 2 else { return .several }
        return ids.first.map(Found.one) ?? .none
    }
}
