import CaseDomain
import Foundation
import GRDB
import KhmerText

/// The provider directory: everyone reads it, coordinators edit it.
public struct ProviderService: Sendable {
    let store: StoreContext

    /// Providers offering `service` (any when nil) that work in `areaCode`
    /// (a province, district, commune or village code; any when nil),
    /// active ones first, by name.
    public func list(_ session: Session, service: ServiceType? = nil, areaCode: String? = nil,
                     includeInactive: Bool = true) throws -> [Provider] {
        try session.require(.readProviders)
        var condition = SQLCondition.always
        if let service { condition = condition && SQLCondition("(',' || services || ',') LIKE ?", ["%,\(service.rawValue),%"]) }
        if !includeInactive { condition = condition && SQLCondition("is_active") }
        let all = try store.read { db in
            try ProviderRecord.fetchAll(db, sql: """
                SELECT * FROM provider WHERE \(condition.sql) ORDER BY is_active DESC, name_latin COLLATE NOCASE, id
                """, arguments: condition.arguments).map(\.provider)
        }
        guard let areaCode, !areaCode.isEmpty else { return all }
        // An area matches when either code contains the other: a provider
        // serving a province serves its villages, and a filter on a
        // province lists the providers of its districts.
        return all.filter { p in p.areas.isEmpty || p.areas.contains { areaCode.hasPrefix($0) || $0.hasPrefix(areaCode) } }
    }

    public func provider(_ session: Session, id: Int64) throws -> Provider {
        try session.require(.readProviders)
        return try store.read { db in
            guard let record = try ProviderRecord.fetchOne(db, key: id) else { throw StoreError.notFound }
            return record.provider
        }
    }

    /// Creates (`id` nil) or changes a provider. A change made by someone
    /// else since `input.expectedVersion` refuses the save.
    @discardableResult
    public func save(_ session: Session, id: Int64?, _ input: ProviderInput,
                draft: DraftRef? = nil) throws -> Provider {
        try session.require(.editProviders)
        let issues = ProviderRules.validate(input)
        guard issues.isEmpty, let kind = input.kind else { throw ProviderRejected(issues: issues) }
        let now = store.now
        return try store.write(clearing: draft, for: session) { db in
            var record: ProviderRecord
            if let id {
                guard let stored = try ProviderRecord.fetchOne(db, key: id) else { throw StoreError.notFound }
                if let expected = input.expectedVersion, expected != stored.version { throw StoreError.changedElsewhere }
                record = stored
                record.version += 1
            } else {
                record = ProviderRecord(
                    id: nil, nameKm: "", nameLatin: "", kind: kind, services: CodeSet([]), areas: "", contactPerson: "",
                    phone: "", address: "", seatsPerIntake: nil, nextIntakeDate: nil, isActive: true, createdAt: now,
                    updatedAt: now, createdBy: session.user.id, version: 1)
            }
            record.nameKm = input.nameKm.trimmingSpaces().canonicallyComposed
            record.nameLatin = input.nameLatin.trimmingSpaces()
            record.kind = kind
            record.services = CodeSet(input.services)
            record.areas = input.areas.joined(separator: ",")
            record.contactPerson = input.contactPerson.trimmingSpaces()
            record.phone = input.phone.trimmingSpaces()
            record.address = input.address.trimmingSpaces()
            record.seatsPerIntake = input.seatsPerIntake
            record.nextIntakeDate = input.nextIntake?.iso
            record.isActive = input.isActive
            record.updatedAt = now
            try record.save(db)
            try store.audit(db, session, id == nil ? .create : .update, entity: "provider", id: record.id)
            return record.provider
        }
    }

    /// Whether the provider's next intake still has seats: referrals sent
    /// or accepted hold one each.
    public func seats(_ session: Session, providerId: Int64) throws -> SeatAvailability {
        try session.require(.readProviders)
        return try store.read { db in try Self.seats(db, providerId: providerId) }
    }

    /// Seats each provider's next intake has left, by provider id, for
    /// the directory; providers that do not limit seats are not in it.
    public func seatsLeft(_ session: Session) throws -> [Int64: SeatAvailability] {
        try session.require(.readProviders)
        let holding = ReferralRules.holdsSeat.map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try store.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT provider.id, provider.seats_per_intake,
                  (SELECT COUNT(*) FROM referral WHERE referral.status IN (\(holding))
                     AND referral.provider_id = provider.id) AS taken
                FROM provider WHERE provider.seats_per_intake > 0
                """)
            return Dictionary(uniqueKeysWithValues: rows.map { row in
                (row["id"] as Int64, SeatAvailability(seats: row["seats_per_intake"], taken: row["taken"]))
            })
        }
    }

    static func seats(_ db: Database, providerId: Int64) throws -> SeatAvailability {
        let seats = try Int.fetchOne(db, sql: "SELECT seats_per_intake FROM provider WHERE id = ?", arguments: [providerId])
        let holding = ReferralRules.holdsSeat.map { "'\($0.rawValue)'" }.joined(separator: ",")
        let taken = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM referral WHERE provider_id = ? AND status IN (\(holding))
            """, arguments: [providerId]) ?? 0
        return SeatAvailability(seats: seats, taken: taken)
    }
}
