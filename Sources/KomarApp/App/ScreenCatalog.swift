import CaseDomain
import CaseStore
import Foundation
import Terminal

/// One of every screen, made on a database with demo data as the role that
/// uses it: what `komar keys` lists, and what the tests press every key of.
@MainActor
enum ScreenCatalog {
    struct Entry {
        /// Who opens this screen (nil: before login).
        let role: Role?
        let make: (App, Session?) throws -> any Screen
    }

    /// The demo account of each role (`DemoData.accounts`).
    static func username(_ role: Role) -> String {
        DemoData.accounts.first { $0.role == role }?.username ?? ""
    }

    /// The screens, in the order a user meets them.
    static let entries: [Entry] = [
        Entry(role: nil) { app, _ in SetupScreen(app: app) },
        Entry(role: nil) { app, _ in LoginScreen(app: app) },
        Entry(role: .socialWorker) { app, s in ChangePasswordScreen(app: app, session: try need(s), forced: true) },
        Entry(role: .socialWorker) { app, s in HomeScreen(app: app, session: try need(s)) },
        Entry(role: .socialWorker) { app, s in
            let home = HomeScreen(app: app, session: try need(s))
            return HelpScreen(for: home, registry: app.registry(for: home))
        },
        Entry(role: .volunteer) { app, s in IntakeScreen(app: app, session: try need(s)) },
        Entry(role: .volunteer) { app, s in
            let session = try need(s)
            let candidates = try app.services.cases.listCases(session, limit: 2).map {
                DuplicateCandidate(summary: $0, score: 80, visible: true)
            }
            return DuplicatesScreen(app: app, session: session, candidates: candidates) {}
        },
        Entry(role: .coordinator) { app, s in CaseListScreen(app: app, session: try need(s)) },
        Entry(role: .coordinator) { app, s in
            CaseFilterScreen(app: app, session: try need(s), current: CaseFilter(), sort: .newest) { _, _ in }
        },
        Entry(role: .coordinator) { app, s in SearchScreen(app: app, session: try need(s)) },
        Entry(role: .coordinator) { app, s in ReviewQueueScreen(app: app, session: try need(s)) },
        Entry(role: .coordinator) { app, s in
            CaseViewScreen(app: app, session: try need(s), caseId: try openCase(app, need(s)).id)
        },
        Entry(role: .coordinator) { app, s in
            let session = try need(s)
            let detail = try app.services.cases.caseDetail(session, id: try openCase(app, session).id)
            return CaseActionScreen(app: app, session: session, detail: detail) {}
        },
        Entry(role: .coordinator) { app, s in
            IntakeScreen(app: app, session: try need(s), editing: try openCase(app, need(s)).id)
        },
        Entry(role: .coordinator) { app, s in
            let name = FormField(id: "childNameKm", label: "field.child-name-km", widget: TextField("ស្រីពេជ្រ"))
            return MergeScreen(app: app, form: Form(fields: [name]), fields: [name],
                               theirs: ["childNameKm": .text("ស្រីពៅ")], mine: ["childNameKm": .text("ស្រីពេជ្រ")],
                               changedBy: "ចាន់ ដារ៉ា")
        },
        Entry(role: .socialWorker) { app, s in FollowUpQueueScreen(app: app, session: try need(s)) },
        Entry(role: .socialWorker) { app, s in
            let session = try need(s)
            guard let item = try app.services.followUps.queue(session, limit: 1).first else { throw StoreError.notFound }
            return RecordVisitScreen(app: app, session: session, item: item)
        },
        Entry(role: .coordinator) { app, s in HouseholdListScreen(app: app, session: try need(s)) },
        Entry(role: .coordinator) { app, s in
            HouseholdViewScreen(app: app, session: try need(s), householdId: try household(app, need(s)).id)
        },
        Entry(role: .coordinator) { app, s in HouseholdFormScreen(app: app, session: try need(s)) },
        Entry(role: .coordinator) { app, s in
            MemberFormScreen(app: app, session: try need(s), householdId: try household(app, need(s)).id)
        },
        Entry(role: .coordinator) { app, s in ProviderListScreen(app: app, session: try need(s)) },
        Entry(role: .coordinator) { app, s in ReportsScreen(app: app, session: try need(s)) },
        Entry(role: .coordinator) { app, s in
            let today = app.services.clock.today
            guard let period = ReportPeriod.month(today.year, today.month) else { throw StoreError.notFound }
            return ReportViewScreen(app: app, session: try need(s), request: ReportRequest(kind: .referrals, period: period))
        },
        Entry(role: .volunteer) { app, s in
            ProviderViewScreen(app: app, provider: try provider(app, need(s)))
        },
        Entry(role: .coordinator) { app, s in
            ProviderFormScreen(app: app, session: try need(s), provider: try provider(app, need(s)))
        },
        Entry(role: .coordinator) { app, s in ReferralListScreen(app: app, session: try need(s)) },
        Entry(role: .coordinator) { app, s in
            ReferralFilterScreen(app: app, session: try need(s), current: ReferralFilter()) { _ in }
        },
        Entry(role: .coordinator) { app, s in
            let session = try need(s)
            let child = try openCase(app, session)
            return ReferralFormScreen(app: app, session: session, people: [ReferralFormScreen.Person(
                subject: .child(caseId: child.id), name: child.code, details: [])])
        },
        Entry(role: .coordinator) { app, s in
            ReferralViewScreen(app: app, session: try need(s), referralId: try openReferral(app, need(s)).id)
        },
        Entry(role: .coordinator) { app, s in
            let session = try need(s)
            let detail = try app.services.referrals.detail(session, id: try openReferral(app, session).id)
            return ReferralMoveScreen(app: app, session: session, detail: detail)
        },
        Entry(role: .coordinator) { app, s in
            ReferralListScreen.exportScreen(app: app, session: try need(s), filter: ReferralFilter(), total: 0)
        },
        Entry(role: .socialWorker) { app, s in LockScreen(app: app, user: try need(s).user) },
        Entry(role: .socialWorker) { app, s in
            PasswordCheckScreen(app: app, session: try need(s), purposeKey: "password-check.for-export") {}
        },
        Entry(role: .socialWorker) { app, s in ChangePasswordScreen(app: app, session: try need(s), forced: false) },
        Entry(role: .admin) { app, s in UserListScreen(app: app, session: try need(s)) },
        Entry(role: .admin) { app, s in UserFormScreen(app: app, session: try need(s), user: nil) },
        Entry(role: .admin) { app, s in
            let session = try need(s)
            guard let user = try app.services.accounts.users(session).first else { throw StoreError.notFound }
            return UserFormScreen(app: app, session: session, user: user)
        },
        Entry(role: .admin) { app, s in AuditLogScreen(app: app, session: try need(s)) },
        Entry(role: .admin) { app, _ in AuditFilterScreen(app: app, current: AuditFilter()) { _ in } },
        Entry(role: .admin) { app, s in SettingsScreen(app: app, session: try need(s)) },
        Entry(role: .admin) { app, s in BackupListScreen(app: app, session: try need(s)) },
        Entry(role: .admin) { app, s in BackupCopyScreen(app: app, session: try need(s)) },
        Entry(role: .admin) { app, s in OfficesScreen(app: app, session: try need(s)) },
        Entry(role: .admin) { app, s in ConflictsScreen(app: app, session: try need(s), office: nil) },
        Entry(role: .admin) { app, s in
            ConflictScreen(app: app, session: try need(s), conflict: SyncConflict(
                id: 1, office: "PV1", sequence: 2, table: "child_case", rowKey: String(OfficeKeys.base(1) + 7),
                kind: "changed-here", changed: ["narrative"], theirs: ["narrative": "changed at the office"],
                ours: ["narrative": "changed at head office"], resolution: nil))
        },
        Entry(role: .admin) { app, s in
            ConflictColumnsScreen(app: app, session: try need(s), conflict: SyncConflict(
                id: 1, office: "PV1", sequence: 2, table: "child_case", rowKey: String(OfficeKeys.base(1) + 7),
                kind: "changed-here", changed: ["narrative", "village_code"],
                theirs: ["narrative": "changed at the office", "village_code": "14040101"],
                ours: ["narrative": "changed at head office", "village_code": "14040102"], resolution: nil))
        },
        Entry(role: .admin) { app, s in
            let manifest = BackupManifest(organisation: "", createdAt: app.services.clock.now(), kind: .daily,
                                          schemaVersion: "", rowCounts: [:], auditSeal: "", sha256: "", bytes: 0,
                                          encrypted: true, verified: true, madeBy: "")
            return RestoreScreen(app: app, session: try need(s),
                                 entry: BackupEntry(file: URL(fileURLWithPath: "backups/komar.sqlite.enc"), manifest: manifest))
        },
    ]

    private static func need(_ session: Session?) throws -> Session {
        guard let session else { throw StoreError.notFound }
        return session
    }

    private static func openCase(_ app: App, _ session: Session) throws -> CaseSummary {
        guard let found = try app.services.cases.listCases(session, limit: 1, filter: CaseFilter(status: .open)).first
        else { throw StoreError.notFound }
        return found
    }

    private static func household(_ app: App, _ session: Session) throws -> HouseholdSummary {
        guard let found = try app.services.households.list(session, limit: 1).first else { throw StoreError.notFound }
        return found
    }

    private static func provider(_ app: App, _ session: Session) throws -> Provider {
        guard let found = try app.services.providers.list(session).first else { throw StoreError.notFound }
        return found
    }

    private static func openReferral(_ app: App, _ session: Session) throws -> ReferralSummary {
        guard let found = try app.services.referrals.list(session, filter: ReferralFilter(status: .sent), limit: 1).first
        else { throw StoreError.notFound }
        return found
    }
}
