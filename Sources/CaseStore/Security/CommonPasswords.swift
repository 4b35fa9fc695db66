import Foundation

/// The 10,000 most common passwords (SecLists, MIT; the notice is beside
/// the list in Resources/passwords), read once, lower-cased.
enum CommonPasswords {
    static let all: Set<String> = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt",
                                          subdirectory: "passwords"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return Set(text.split(separator: "\n").map { $0.lowercased() })
    }()

    static func contains(_ lowercased: String) -> Bool { all.contains(lowercased) }
}
