/// The services the app's screens and the command line use, over one
/// database. Each takes a `Session`, checks `PermissionPolicy`, writes in
/// one transaction with its audit event, and returns domain values.
public struct KomarServices: Sendable {
    public let database: AppDatabase
    public let accounts: AccountService
    public let cases: CaseService
    public let gazetteer: GazetteerService
    public let audit: AuditService
    public let drafts: DraftService
    public let followUps: FollowUpService
    public let households: HouseholdService
    public let providers: ProviderService
    public let referrals: ReferralService
    public let reports: ReportService
    public let dashboard: DashboardService
    public let registers: RegisterExportService
    public let settings: SettingsService
    public let backups: BackupService
    public let offices: OfficeService
    public let sync: SyncService
    public let clock: Clock

    public init(database: AppDatabase, hasher: PasswordHasher = PasswordHasher(), clock: Clock = .system) {
        let store = StoreContext(database: database, clock: clock)
        self.database = database
        self.clock = clock
        accounts = AccountService(store: store, hasher: hasher)
        cases = CaseService(store: store)
        gazetteer = GazetteerService(store: store)
        audit = AuditService(store: store)
        drafts = DraftService(store: store)
        followUps = FollowUpService(store: store)
        households = HouseholdService(store: store)
        providers = ProviderService(store: store)
        referrals = ReferralService(store: store)
        reports = ReportService(store: store)
        dashboard = DashboardService(store: store)
        registers = RegisterExportService(store: store)
        settings = SettingsService(store: store)
        backups = BackupService(store: store)
        offices = OfficeService(store: store)
        sync = SyncService(store: store)
    }
}
