import CaseDomain
import CaseStore
import Foundation
import KhmerText
import Synchronization

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
    /// Suggestions already worked out, by level, places within and text:
    /// a file repeats its misspellings.
    private let suggestions = Mutex<[String: String?]>([:])
    /// Working one out compares the name with every place of the level;
    /// a file whose every village is wrong (another column, say) stops
    /// suggesting after this many different names.
    static let suggestionLimit = 200

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

    /// The name of the one place of `level` (inside `within`) spelled most
    /// like `text`, one or two letters apart (a quarter of the name at
    /// most), in the script `text` is written in; nil when none is that
    /// close, or two are. Walk-through: ព្រៃយ៉ាង for ព្រៃយាង got no hint.
    func suggestion(for text: String, level: Place.Level, within: [String] = []) -> String? {
        let cacheKey = level.rawValue + "|" + within.joined(separator: ",") + "|" + text
        if let known = suggestions.withLock({ $0[cacheKey] }) { return known }
        guard suggestions.withLock({ $0.count }) < Self.suggestionLimit else { return nil }
        let typed = Array(SearchKey.make(text).unicodeScalars)
        let limit = min(2, max(1, typed.count / 4))
        var best: (distance: Int, places: Set<Place>) = (limit + 1, [])
        for (key, places) in byFoldedName[level] ?? [:] {
            let candidates = within.isEmpty ? places
                : places.filter { place in within.allSatisfy { place.code.hasPrefix($0) } }
            guard !candidates.isEmpty, abs(key.unicodeScalars.count - typed.count) <= limit else { continue }
            let distance = Self.editDistance(typed, Array(key.unicodeScalars), limit: limit)
            if distance < best.distance { best = (distance, Set(candidates)) }
            else if distance == best.distance { best.places.formUnion(candidates) }
        }
        let khmer = text.unicodeScalars.contains { (0x1780...0x17FF).contains($0.value) }
        let names = Set(best.places.map { khmer ? $0.nameKm : $0.nameLatin })
        let found = best.places.isEmpty || names.count != 1 ? nil : names.first
        suggestions.withLock { $0[cacheKey] = found }
        return found
    }

    /// Levenshtein distance, or `limit + 1` once it is sure to exceed `limit`.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            if current.min() ?? 0 > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
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
