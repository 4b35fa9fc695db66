import CaseDomain
import CaseStore
import Foundation
import KhmerText

/// Finds gazetteer places by code, or by name in Khmer or Latin letters
/// (spelled as people spell them: the search key folds the differences).
/// Many villages share a name, so a commune, district or province narrows
/// the choice. Built once per import (while the file is read) and never
/// changed after, so both of the import's workers use it.
final class PlaceFinder: Sendable {
    private let byCode: [String: Place]
    /// Names as typed, lower-cased without spaces: most files spell names
    /// as the gazetteer does.
    private let byPlainName: [Place.Level: [String: [Place]]]
    /// Names folded by the search key (Khmer spelling variants).
    private let byFoldedName: [Place.Level: [String: [Place]]]

    init(_ gazetteer: GazetteerService) throws {
        var byCode: [String: Place] = [:]
        var byPlainName: [Place.Level: [String: [Place]]] = [:]
        var byFoldedName: [Place.Level: [String: [Place]]] = [:]
        for level in Place.Level.allCases {
            for place in try gazetteer.all(level) {
                byCode[place.code] = place
                for name in [place.nameKm, place.nameLatin] {
                    let key = Self.plain(name)
                    if !key.isEmpty { byPlainName[level, default: [:]][key, default: []].append(place) }
                }
                let folded = NameKeys.split(stored: place.searchKey, latinName: place.nameLatin)
                    ?? (SearchKey.make(place.nameKm), SearchKey.make(place.nameLatin))
                for key in [folded.km, folded.latin] where !key.isEmpty {
                    byFoldedName[level, default: [:]][key, default: []].append(place)
                }
            }
        }
        self.byCode = byCode
        self.byPlainName = byPlainName
        self.byFoldedName = byFoldedName
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
