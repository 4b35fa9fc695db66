import Foundation

/// `SearchKey.make` exactly as it was when the first migrations shipped
/// (2026-11-21). Those migrations fold with this copy, so that what they
/// write never depends on today's `SearchKey`. Frozen: never edit.
enum FrozenSearchKey20261121 {
    static func make(_ text: String) -> String {
        let decomposed = text.decomposedStringWithCanonicalMapping
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(decomposed.unicodeScalars.count)
        var lastWasSpace = true
        for s in decomposed.unicodeScalars {
            switch s.value {
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x17B4, 0x17B5:
                continue
            case 0x0300...0x036F:
                continue
            case 0x17E0...0x17E9:
                lastWasSpace = false
                scalars.append(Unicode.Scalar(s.value - 0x17E0 + 0x30)!)
                continue
            default:
                break
            }
            if s.properties.isWhitespace || s == "-" || s == "." || s == "," || s == "_" {
                if !lastWasSpace { scalars.append(" ") }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            if s.value < 0x80 || (s.value >= 0xC0 && s.value < 0x250) {
                scalars.append(contentsOf: String(s).lowercased().unicodeScalars)
            } else {
                scalars.append(s)
            }
        }
        if scalars.last == " " { scalars.removeLast() }
        foldKhmer(&scalars)
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out).precomposedStringWithCanonicalMapping
    }

    /// Rank of a Khmer mark in the canonical order; nil for bases.
    private static func markRank(_ v: UInt32) -> Int? {
        switch v {
        case 0x17C9, 0x17CA: return 1          // register shifters
        case 0x17CC: return 2                  // robat
        case 0x17B7...0x17BD: return 3         // vowels above and below
        case 0x17B6, 0x17BE...0x17C5: return 3 // spacing vowels
        case 0x17C6: return 4                  // nikahit
        case 0x17CB, 0x17CD...0x17D1, 0x17D3, 0x17DD: return 5
        case 0x17C7, 0x17C8: return 6          // reahmuk, yuukaleapintu
        default: return nil
        }
    }

    private static func foldKhmer(_ s: inout [Unicode.Scalar]) {
        // COENG DA → COENG TA.
        var i = 0
        while i + 1 < s.count {
            if s[i].value == 0x17D2 && s[i + 1].value == 0x178A { s[i + 1] = "\u{178F}" }
            i += 1
        }
        // Stable-sort each run of marks; a COENG and its consonant stay
        // together at the front of the run.
        i = 0
        while i < s.count {
            guard markRank(s[i].value) != nil else { i += 1; continue }
            var j = i
            while j < s.count, markRank(s[j].value) != nil { j += 1 }
            let run = s[i..<j].enumerated().sorted {
                let a = markRank($0.element.value)!, b = markRank($1.element.value)!
                return a == b ? $0.offset < $1.offset : a < b
            }.map(\.element)
            s.replaceSubrange(i..<j, with: run)
            i = j
        }
        // Compose split vowels: េ + ី → ើ, េ + ា → ោ.
        i = 0
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        while i < s.count {
            if s[i].value == 0x17C1, i + 1 < s.count {
                if s[i + 1].value == 0x17B8 { out.append("\u{17BE}"); i += 2; continue }
                if s[i + 1].value == 0x17B6 { out.append("\u{17C4}"); i += 2; continue }
            }
            out.append(s[i])
            i += 1
        }
        s = out
    }
}
