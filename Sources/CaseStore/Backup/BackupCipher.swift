import Crypto
import CryptoExtras
import Foundation

/// Why an encrypted backup could not be opened.
public enum BackupCipherError: Error, Equatable, Sendable {
    /// The passphrase does not open it (or the file was changed).
    case wrongPassphrase
    /// Not an encrypted Komar backup, or cut short.
    case damaged
}

/// Encrypted backups: AES-256-GCM over 1 MiB chunks (so a 350 MB file never
/// sits in memory twice), each chunk sealed with its number and whether it
/// is the last, so chunks cannot be reordered, dropped or cut off unseen.
/// The key comes from the passphrase by PBKDF2-SHA256 at OWASP's 600,000
/// rounds with a random salt.
///
/// Layout: "KOMARENC1\n", rounds (4 bytes), salt (16), nonce prefix (8),
/// then per chunk its sealed length (4 bytes) and ciphertext with tag.
enum BackupCipher {
    static let magic = Data("KOMARENC1\n".utf8)
    static let chunkSize = 1 << 20
    static let rounds = 600_000

    static func encrypt(_ source: URL, to target: FileHandle, passphrase: String, rounds: Int = rounds) throws {
        let salt = randomBytes(16)
        let prefix = randomBytes(8)
        let key = try deriveKey(passphrase, salt: salt, rounds: rounds)
        var header = magic
        header.append(bigEndian(UInt32(rounds)))
        header.append(salt)
        header.append(prefix)
        try target.write(contentsOf: header)
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        var index: UInt32 = 0
        var chunk = try input.read(upToCount: chunkSize) ?? Data()
        while true {
            let next = try input.read(upToCount: chunkSize) ?? Data()
            let isLast = next.isEmpty
            let box = try AES.GCM.seal(chunk, using: key, nonce: nonce(prefix, index),
                                       authenticating: associatedData(header, index, isLast))
            try target.write(contentsOf: bigEndian(UInt32(box.ciphertext.count + box.tag.count)))
            try target.write(contentsOf: box.ciphertext + box.tag)
            if isLast { return }
            chunk = next
            index += 1
        }
    }

    static func decrypt(_ source: URL, to target: FileHandle, passphrase: String) throws {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        guard let head = try input.read(upToCount: magic.count + 4 + 16 + 8), head.count == magic.count + 28,
              head.prefix(magic.count) == magic else { throw BackupCipherError.damaged }
        let rounds = Int(readUInt32(head, at: magic.count))
        let salt = head.subdata(in: (magic.count + 4)..<(magic.count + 20))
        let prefix = head.subdata(in: (magic.count + 20)..<(magic.count + 28))
        guard rounds > 0 else { throw BackupCipherError.damaged }
        let key = try deriveKey(passphrase, salt: salt, rounds: rounds)
        var index: UInt32 = 0
        while true {
            guard let lengthBytes = try input.read(upToCount: 4), lengthBytes.count == 4 else {
                throw BackupCipherError.damaged
            }
            let length = Int(readUInt32(lengthBytes, at: 0))
            guard length >= 16, length <= chunkSize + 16, let sealed = try input.read(upToCount: length),
                  sealed.count == length else { throw BackupCipherError.damaged }
            let box = try AES.GCM.SealedBox(nonce: nonce(prefix, index), ciphertext: sealed.prefix(length - 16),
                                            tag: sealed.suffix(16))
            let atEnd = (try input.read(upToCount: 1) ?? Data()).isEmpty
            if !atEnd { try input.seek(toOffset: try input.offset() - 1) }
            let plain: Data
            do {
                plain = try AES.GCM.open(box, using: key, authenticating: associatedData(head, index, atEnd))
            } catch {
                // The first chunk failing means the key is wrong; a later
                // one, that the file was changed or cut.
                throw index == 0 ? BackupCipherError.wrongPassphrase : BackupCipherError.damaged
            }
            try target.write(contentsOf: plain)
            if atEnd { return }
            index += 1
        }
    }

    static func isEncrypted(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: magic.count)) == magic
    }

    private static func deriveKey(_ passphrase: String, salt: Data, rounds: Int) throws -> SymmetricKey {
        try KDF.Insecure.PBKDF2.deriveKey(from: Array(passphrase.utf8), salt: salt, using: .sha256, outputByteCount: 32,
                                          unsafeUncheckedRounds: rounds)
    }

    private static func nonce(_ prefix: Data, _ index: UInt32) throws -> AES.GCM.Nonce {
        try AES.GCM.Nonce(data: prefix + bigEndian(index))
    }

    private static func associatedData(_ header: Data, _ index: UInt32, _ isLast: Bool) -> Data {
        header + bigEndian(index) + Data([isLast ? 1 : 0])
    }

    private static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    private static func bigEndian(_ value: UInt32) -> Data {
        Data([UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }

    private static func readUInt32(_ data: Data, at offset: Int) -> UInt32 {
        let bytes = [UInt8](data[data.startIndex + offset..<data.startIndex + offset + 4])
        return bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
