import CaseDomain
import CaseStore
import KhmerText

/// Finds gazetteer places by code, or by name in Khmer or Latin letters
/// (spelled as people spell them: the search key folds the differences).
/// Many villages share a name, so a commune, district or province narrows
/// the choice.
struct PlaceFinder {
    private var byCode: [String: Place] = [:]
    private var byName: [Place.Level: [String: [Place]]] = [:]

    init(_ gazetteer: GazetteerService) throws {
        for level in Place.Level.allCases {
            for place in try gazetteer.all(level) {
                byCode[place.code] = place
                for name in [place.nameKm, place.nameLatin] {
                    let key = SearchKey.make(name)
                    if !key.isEmpty { byName[level, default: [:]][key, default: []].append(place) }
                }
            }
        }
    }

    enum Found: Equatable {
        case one(Place)
        case none
        case several(Int)
    }

    /// The places of `level` that `text` names (a code or a name), inside
    /// `within` (codes of larger units) when given.
    func find(_ text: String, level: Place.Level, within: [String] = []) -> Found {
        let trimmed = Digits.toWestern(text).trimmingCharacters(in: .whitespaces)
        var candidates: [Place]
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isNumber) {
            candidates = byCode[trimmed].map { $0.level == level ? [$0] : [] } ?? []
        } else {
            candidates = byName[level]?[SearchKey.make(trimmed)] ?? []
        }
        for code in within { candidates = candidates.filter { $0.code.hasPrefix(code) } }
        let unique = Array(Set(candidates))
        switch unique.count {
        case 0: return .none
        case 1: return .one(unique[0])
        default: return .several(unique.count)
        }
    }
}
