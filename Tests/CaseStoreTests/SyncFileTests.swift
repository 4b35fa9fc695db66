import Crypto
import Foundation
import Testing
@testable import CaseStore

/// A sync file written in its two parts (the manifest, then the content
/// sealed), never joined in memory: it reads back as one file that opens.
@Suite struct SyncFileTests {
    func manifest(sha256: String) -> SyncManifest {
        SyncManifest(office: "PV1", officeNumber: 1, headOfficeId: "hq", sequence: 3, schemaVersion: 30,
                     writtenAt: Date(timeIntervalSince1970: 1_796_000_000), rowCounts: ["child_case": 2],
                     changes: 2, auditSeal: "2:abc", sha256: sha256)
    }

    @Test func thePartsReadBackAsOneFileThatOpens() throws {
        let content = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let key = SymmetricKey(size: .bits256)
        let parts = try SyncFile.seal(manifest(sha256: SyncFile.sha256(content)), content, key: key)
        let whole = parts.head + parts.sealed
        // Ranges within the head, across the join, and within the sealed part.
        for range in [0..<10, 5..<(parts.head.count + 7), (parts.head.count + 100)..<(parts.head.count + 2_000_000),
                      0..<whole.count] {
            #expect(parts.bytes(range) == whole[range])
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sync-file-\(UUID()).komarsync")
        defer { try? FileManager.default.removeItem(at: url) }
        try SyncFile.write(parts, to: url)
        let read = try Data(contentsOf: url)
        #expect(read == whole)
        let (opened, openedContent) = try SyncFile.open(read, key: key)
        #expect(opened.sequence == 3)
        #expect(openedContent == content)
        #expect(throws: SyncFileError.notAuthentic) { try SyncFile.open(read, key: SymmetricKey(size: .bits256)) }
    }
}
