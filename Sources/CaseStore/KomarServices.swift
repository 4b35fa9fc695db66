/// The services the app's screens use, over one database.
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
    public let settings: SettingsService
    public let clock: Clock

    public init(database: AppDatabase, hasher: PasswordHasher = PasswordHasher(), clock: Clock = .system) {
        self.database = database
        self.clock = clock
        accounts = AccountService(database: database, hasher: hasher, clock: clock)
        cases = CaseService(database: database, clock: clock)
        gazetteer = GazetteerService(database: database)
        audit = AuditService(database: database)
        drafts = DraftService(database: database, clock: clock)
        followUps = FollowUpService(database: database, clock: clock)
        households = HouseholdService(database: database, clock: clock)
        providers = ProviderService(database: database, clock: clock)
        referrals = ReferralService(database: database, clock: clock)
        settings = SettingsService(database: database, clock: clock)
    }
}
