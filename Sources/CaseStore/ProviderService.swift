import CaseDomain
import Foundation
import GRDB
import KhmerText

/// The provider directory: everyone reads it, coordinators edit it.
public struct ProviderService: Sendable {
    let database: AppDatabase
    let clock: Clock

    public init(database: AppDatabase, clock: Clock = .system) {
        self.database = database
        self.clock = clock
    }

    /// Providers offering `service` (any when nil) that work in `areaCode`
    /// (a province, district, commune or village code; any when nil),
    /// active ones first, by name.
    public func list(_ session: Session, service: ServiceType? = nil, areaCode: String? = nil,
                     includeInactive: Bool = true) throws -> [Provider] {
        try session.require(.readProviders)
        return try database.read { db in
            var sql = "SELECT * FROM provider WHERE 1"
            var args: StatementArguments = []
            if let service {
                sql += " AND (',' || services || ',') LIKE ?"
                args += ["%,\(service.rawValue),%"]
            }
            if !includeInactive { sql += " AND is_active" }
            sql += " ORDER BY is_active DESC, name_latin COLLATE NOCASE, id"
            let all = try Row.fetchAll(db, sql: sql, arguments: args).map(Self.provider(row:))
            guard let areaCode, !areaCode.isEmpty else { return all }
            // An area matches when either code contains the other: a provider
            // serving a province serves its villages, and a filter on a
            // province lists the providers of its districts.
            return all.filter { p in p.areas.isEmpty || p.areas.contains { areaCode.hasPrefix($0) || $0.hasPrefix(areaCode) } }
        }
    }

    public func provider(_ session: Session, id: Int64) throws -> Provider {
        try session.require(.readProviders)
        return try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM provider WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound
            }
            return Self.provider(row: row)
        }
    }

    /// Creates (`id` nil) or changes a provider. A change made by someone
    /// else since `input.expectedVersion` refuses the save.
    @discardableResult
    public func save(_ session: Session, id: Int64?, _ input: ProviderInput) throws -> Provider {
        try session.require(.editProviders)
        let issues = ProviderRules.validate(input)
        guard issues.isEmpty, let kind = input.kind else { throw ProviderRejected(issues: issues) }
        let now = clock.now()
        let services = ServiceType.allCases.filter(input.services.contains).map(\.rawValue).joined(separator: ",")
        let values: StatementArguments = [
            input.nameKm.trimmingSpaces().precomposedStringWithCanonicalMapping, input.nameLatin.trimmingSpaces(),
            kind.rawValue, services, input.areas.joined(separator: ","), input.contactPerson.trimmingSpaces(),
            input.phone.trimmingSpaces(), input.address.trimmingSpaces(), input.seatsPerIntake, input.nextIntake?.iso,
            input.isActive,
        ]
        let savedId: Int64 = try database.write { db in
            if let id {
                guard let version = try Int.fetchOne(db, sql: "SELECT version FROM provider WHERE id = ?",
                                                     arguments: [id]) else { throw StoreError.notFound }
                if let expected = input.expectedVersion, expected != version { throw StoreError.changedElsewhere }
                try db.execute(sql: """
                    UPDATE provider SET name_km = ?, name_latin = ?, kind = ?, services = ?, areas = ?, contact_person = ?,
                      phone = ?, address = ?, seats_per_intake = ?, next_intake_date = ?, is_active = ?, updated_at = ?,
                      version = version + 1 WHERE id = ?
                    """, arguments: values + [now, id])
                try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                    action: .update, entity: "provider", entityId: id)
                return id
            }
            try db.execute(sql: """
                INSERT INTO provider (name_km, name_latin, kind, services, areas, contact_person, phone, address,
                  seats_per_intake, next_intake_date, is_active, created_at, updated_at, created_by, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, arguments: values + [now, now, session.user.id])
            let newId = db.lastInsertedRowID
            try AuditLog.append(db, at: now, userId: session.user.id, username: session.user.username,
                                action: .create, entity: "provider", entityId: newId)
            return newId
        }
        return try provider(session, id: savedId)
    }

    /// Whether the provider's next intake still has seats: referrals sent
    /// or accepted hold one each.
    public func seats(_ session: Session, providerId: Int64) throws -> SeatAvailability {
        try session.require(.readProviders)
        return try database.read { db in try Self.seats(db, providerId: providerId) }
    }

    static func seats(_ db: Database, providerId: Int64) throws -> SeatAvailability {
        let seats = try Int.fetchOne(db, sql: "SELECT seats_per_intake FROM provider WHERE id = ?", arguments: [providerId])
        let holding = ReferralRules.holdsSeat.map { "'\($0.rawValue)'" }.joined(separator: ",")
        let taken = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM referral WHERE provider_id = ? AND status IN (\(holding))
            """, arguments: [providerId]) ?? 0
        return SeatAvailability(seats: seats, taken: taken)
    }

    static func provider(row: Row) -> Provider {
        Provider(
            id: row["id"], nameKm: row["name_km"], nameLatin: row["name_latin"],
            kind: ProviderKind(rawValue: row["kind"]) ?? .ngo,
            services: (row["services"] as String).split(separator: ",").compactMap { ServiceType(rawValue: String($0)) },
            areas: (row["areas"] as String).split(separator: ",").map(String.init),
            contactPerson: row["contact_person"], phone: row["phone"], address: row["address"],
            seatsPerIntake: row["seats_per_intake"],
            nextIntake: (row["next_intake_date"] as String?).flatMap(LocalDate.init(iso:)),
            isActive: row["is_active"], version: row["version"])
    }
}
