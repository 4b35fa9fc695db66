import Foundation
import KhmerText

/// A partner organisation people are referred to.
public struct Provider: Equatable, Sendable {
    public let id: Int64
    public var nameKm: String
    public var nameLatin: String
    public var kind: ProviderKind
    public var services: [ServiceType]
    /// Province (2-digit) or district (4-digit) gazetteer codes; empty
    /// means the provider serves the whole country.
    public var areas: [String]
    public var contactPerson: String
    public var phone: String
    public var address: String
    public var seatsPerIntake: Int?
    public var nextIntake: LocalDate?
    public var isActive: Bool
    public var version: Int

    public init(id: Int64, nameKm: String, nameLatin: String, kind: ProviderKind, services: [ServiceType],
                areas: [String], contactPerson: String, phone: String, address: String, seatsPerIntake: Int?,
                nextIntake: LocalDate?, isActive: Bool, version: Int) {
        self.id = id
        self.nameKm = nameKm
        self.nameLatin = nameLatin
        self.kind = kind
        self.services = services
        self.areas = areas
        self.contactPerson = contactPerson
        self.phone = phone
        self.address = address
        self.seatsPerIntake = seatsPerIntake
        self.nextIntake = nextIntake
        self.isActive = isActive
        self.version = version
    }

    /// Whether the provider works where this village is.
    public func serves(villageCode: String) -> Bool {
        areas.isEmpty || areas.contains { villageCode.hasPrefix($0) }
    }

    public var displayName: String { [nameKm, nameLatin].filter { !$0.isEmpty }.joined(separator: " / ") }
}

/// What a coordinator filled in for a provider (new or edited).
public struct ProviderInput: Equatable, Sendable {
    public var nameKm = ""
    public var nameLatin = ""
    public var kind: ProviderKind?
    public var services: Set<ServiceType> = []
    public var areas: [String] = []
    public var contactPerson = ""
    public var phone = ""
    public var address = ""
    public var seatsPerIntake: Int?
    public var nextIntake: LocalDate?
    public var isActive = true
    /// The version edited, for an existing provider.
    public var expectedVersion: Int?

    public init() {}
}

public enum ProviderField: String, CaseIterable, Sendable {
    case name, kind, services, phone, seats
}

public enum ProviderRules {
    public static func validate(_ input: ProviderInput) -> [ProviderField: String] {
        var issues: [ProviderField: String] = [:]
        if input.nameKm.trimmingSpaces().isEmpty && input.nameLatin.trimmingSpaces().isEmpty {
            issues[.name] = "error.provider-name"
        }
        if input.kind == nil { issues[.kind] = "error.required" }
        if input.services.isEmpty { issues[.services] = "error.service-required" }
        if !PhoneRules.isValid(input.phone) { issues[.phone] = "error.phone" }
        if let seats = input.seatsPerIntake, !(1...10_000).contains(seats) { issues[.seats] = "error.seats" }
        return issues
    }
}

/// A refused provider record.
public struct ProviderRejected: Error, Equatable, Sendable {
    public let issues: [ProviderField: String]
    public init(issues: [ProviderField: String]) { self.issues = issues }
}

/// A refused household or member record.
public struct HouseholdRejected: Error, Equatable, Sendable {
    public let issues: [String: String]
    public init(issues: [String: String]) { self.issues = issues }
}
