import Crypto
import CryptoExtras
import Foundation

/// Password hashes with PBKDF2-HMAC-SHA256 (OWASP 2023: 600,000 rounds) and a
/// 16-byte random salt per user, stored as
/// `pbkdf2-sha256$<rounds>$<salt base64>$<hash base64>`.
///
/// PBKDF2 rather than scrypt: scrypt at OWASP cost needs 64–128 MB per login,
/// more than Komar's whole memory budget on an old office PC.
public struct PasswordHasher: Sendable {
    public static let owaspRounds = 600_000
    public let rounds: Int

    public init(rounds: Int = PasswordHasher.owaspRounds) {
        self.rounds = rounds
    }

    /// A stored hash no password matches, with this hasher's cost: checking
    /// a password for an unknown username against it takes as long as for
    /// a real account, so the time does not tell which usernames exist.
    public var standIn: String {
        let salt = Data(repeating: 0, count: 16).base64EncodedString()
        let hash = Data(repeating: 0, count: 32).base64EncodedString()
        return "pbkdf2-sha256$\(rounds)$\(salt)$\(hash)"
    }

    /// The cost a stored hash was made with (its PBKDF2 rounds).
    public static func rounds(of stored: String) -> Int? {
        let parts = stored.split(separator: "$")
        return parts.count == 4 ? Int(parts[1]) : nil
    }

    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &generator) }
        let derived = try Self.derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(derived.base64EncodedString())"
    }

    /// Checks `password` against a stored hash in constant time. A malformed
    /// stored hash never verifies.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
              let salt = Data(base64Encoded: String(parts[2])),
              let expected = Data(base64Encoded: String(parts[3])),
              let actual = try? Self.derive(password, salt: [UInt8](salt), rounds: rounds) else {
            return false
        }
        guard actual.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(actual, expected) { difference |= a ^ b }
        return difference == 0
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }
}
