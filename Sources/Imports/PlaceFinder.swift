import CaseDomain
import CaseStore
import Foundation
import KhmerText

/// Finds gazetteer places by code, or by name in Khmer or Latin letters
/// (spelled as people spell them: the search key folds the differences).
/// Many villages share a name, so a commune, district or province narrows
/// the choice.
final class PlaceFinder {
    private var byCode: [String: Place] = [:]
    /// Names as typed, lower-cased without spaces: most files spell names
    /// as the gazetteer does, and this index costs nothing to build.
    private var byPlainName: [Place.Level: [String: [Place]]] = [:]
    /// Names folded by the search key (Khmer spelling variants), built the
    /// first time a name is not found plainly.
    private lazy var byFoldedName: [Place.Level: [String: [Place]]] = {
        var index: [Place.Level: [String: [Place]]] = [:]
        for place in byCode.values {
            for name in [place.nameKm, place.nameLatin] {
                let key = SearchKey.make(name)
                if !key.isEmpty { index[place.level, default: [:]][key, default: []].append(place) }
            }
        }
        return index
    }()

    init(_ gazetteer: GazetteerService) throws {
        for level in Place.Level.allCases {
            for place in try gazetteer.all(level) {
                byCode[place.code] = place
                for name in [place.nameKm, place.nameLatin] {
                    let key = Self.plain(name)
                    if !key.isEmpty { byPlainName[level, default: [:]][key, default: []].append(place) }
                }
            }
        }
    }

    /// Lower-cased, with runs of spaces (zero-width ones too) as one space.
    static func plain(_ name: String) -> String {
        name.canonicallyComposed.lowercased()
            .split(whereSeparator: { $0.isWhitespace || $0 == "\u{200B}" }).joined(separator: " ")
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
            candidates = byPlainName[level]?[Self.plain(trimmed)] ?? []
            if candidates.isEmpty { candidates = byFoldedName[level]?[SearchKey.make(trimmed)] ?? [] }
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
