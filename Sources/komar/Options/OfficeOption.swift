import CaseDomain
import CaseStore

/// `--office CODE` at head office: the office whose records a report or a
/// register export counts, by its key range.
enum OfficeOption {
    /// The number of the office `code` names, or a failure saying that
    /// only head office knows its offices.
    static func number(of code: String, _ services: KomarServices, _ session: Session) throws -> Int64 {
        guard let office = try services.offices.officeNames(session).first(where: { $0.code == code }) else {
            throw Failure("no office \(code) here: --office works at head office ('komar office list' names its offices)")
        }
        return office.number
    }
}
