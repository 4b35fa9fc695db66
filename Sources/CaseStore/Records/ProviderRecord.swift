import CaseDomain
import Foundation
import GRDB

/// A row of `provider`: a partner people are referred to. Areas are
/// province or district codes, comma-separated; none means everywhere.
struct ProviderRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "provider"

    var id: Int64?
    var nameKm: String
    var nameLatin: String
    var kind: ProviderKind
    var services: CodeSet<ServiceType>
    var areas: String
    var contactPerson: String
    var phone: String
    var address: String
    var seatsPerIntake: Int?
    var nextIntakeDate: String?
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date
    var createdBy: Int64?
    var version: Int

    var provider: Provider {
        Provider(id: id ?? 0, nameKm: nameKm, nameLatin: nameLatin, kind: kind, services: services.ordered,
                 areas: areas.split(separator: ",").map(String.init), contactPerson: contactPerson, phone: phone,
                 address: address, seatsPerIntake: seatsPerIntake,
                 nextIntake: nextIntakeDate.flatMap(LocalDate.init(iso:)), isActive: isActive, version: version)
    }
}
