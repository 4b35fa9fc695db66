import CaseDomain
import Foundation

/// The time source of the services; tests fix it.
public struct Clock: Sendable {
    public let now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date) { self.now = now }
    public static let system = Clock(now: { Date() })
    public var today: LocalDate { LocalDate.today(now: now()) }
}
