import CaseDomain
import CaseStore
import Foundation

/// The operations that only read, timed the same way at an office (the
/// demo) and at head office: search, the lists and their filters, a case
/// file, the queues, the home screens and a year's reports.
enum ReadingBench {
    /// `worker` sees every case (a social worker); `coordinator` reads the
    /// referrals and the reports.
    static func run(_ services: KomarServices, worker: Session, coordinator: Session, runs: Int,
                    into timings: inout BenchTimings) throws {
        let khmer = ["ស្រីពេជ្រ", "សុខា", "ដារ៉ា", "ចន្ទ្រា", "វិចិត្រ", "ពៅ ស្រី"]
        let latin = ["sreypich", "sokha", "dara", "chan sop", "vichet", "kim b"]
        var i = 0
        try timings.measure("search_khmer", runs: runs) {
            i += 1
            _ = try services.cases.search(worker, khmer[i % khmer.count])
        }
        try timings.measure("search_latin", runs: runs) {
            i += 1
            _ = try services.cases.search(worker, latin[i % latin.count])
        }
        try timings.measure("case_list_first_page", runs: runs) {
            _ = try services.cases.listCases(worker, limit: 50)
        }
        try timings.measure("case_list_filtered", runs: runs) {
            i += 1
            let filters = [CaseFilter(status: .open), CaseFilter(riskLevel: .high), CaseFilter(overdueOnly: true),
                           CaseFilter(status: .new, communeCode: "140402")]
            _ = try services.cases.listCases(worker, limit: 50, filter: filters[i % filters.count])
        }
        // The list's orders: the first page, then the one after it.
        let sorts: [CaseSort] = [.oldest, .name, .risk]
        try timings.measure("case_list_sorted", runs: runs) {
            i += 1
            let sort = sorts[i % sorts.count]
            let first = try services.cases.listCases(worker, limit: 50, sort: sort)
            if let last = first.last {
                _ = try services.cases.listCases(worker, after: CaseListCursor(after: last), limit: 50, sort: sort)
            }
        }
        // The list's search box, alone and under a filter, with its count.
        let boxed = [CaseFilter(text: "sok"), CaseFilter(status: .open, text: "សុខា"),
                     CaseFilter(riskLevel: .high, text: "ដារ៉ា"), CaseFilter(text: "ស")]
        try timings.measure("case_list_search", runs: runs) {
            i += 1
            let filter = boxed[i % boxed.count]
            _ = try services.cases.countCases(worker, filter: filter)
            _ = try services.cases.listCases(worker, limit: 50, filter: filter)
        }
        // Keys are spread over each office's range at head office: a page
        // after a random key is a page somewhere in the list, and a case
        // to open is the first of such a page (found before the timing).
        let newest = try services.cases.listCases(worker, limit: 1).first?.id ?? 1
        var random = SystemRandomNumberGenerator()
        func somewhere() -> CaseListCursor { CaseListCursor(lastId: Int64.random(in: 1...max(1, newest), using: &random)) }
        try timings.measure("case_list_deep_page", runs: runs) {
            _ = try services.cases.listCases(worker, after: somewhere(), limit: 50)
        }
        var toOpen: Int64 = newest
        try timings.measure("open_case_file", runs: runs, prepare: {
            toOpen = try services.cases.listCases(worker, after: somewhere(), limit: 1).first?.id ?? newest
        }) {
            _ = try services.cases.caseDetail(worker, id: toOpen)
        }
        try timings.measure("followup_queue_first_page", runs: runs) {
            _ = try services.followUps.queue(worker, limit: 50)
        }
        // A letter typed into the queue's search box that no child or
        // household has: nothing to find, so nothing may be walked.
        try timings.measure("followup_queue_search_none", runs: runs) {
            _ = try services.followUps.queue(worker, matching: "x", limit: 50)
        }
        // The social worker's home screen, and the queue's heading
        // (recounted as she types), count her cases' and households' visits.
        try timings.measure("dashboard_home_worker", runs: runs) {
            _ = try services.dashboard.dashboard(worker)
        }
        try timings.measure("followup_counts_worker", runs: runs) {
            _ = try services.followUps.queueCounts(worker)
        }
        // The referral list as the coordinator's screen reads it: the
        // counts per status and the first page, on opening and on each
        // filter change.
        try timings.measure("referral_list_first_page", runs: runs) {
            _ = try services.referrals.countsByStatus(coordinator)
            _ = try services.referrals.list(coordinator, limit: 50)
        }
        let today = services.clock.today
        let month = LocalDate(year: today.year, month: today.month, day: 1)
        let referralFilters = [
            ReferralFilter(status: .sent), ReferralFilter(service: .sewing), ReferralFilter(placeCode: "1404"),
            ReferralFilter(placeCode: "140402"), ReferralFilter(sex: .female), ReferralFilter(ageGroup: .age15to17),
            ReferralFilter(priority: .urgent), ReferralFilter(from: month, to: today), ReferralFilter(providerId: 2),
            ReferralFilter(status: .enrolled, service: .sewing, sex: .female, ageGroup: .age18to24),
            ReferralFilter(placeCode: "20"),
        ]
        try timings.measure("referral_list_filtered", runs: runs) {
            i += 1
            let filter = referralFilters[i % referralFilters.count]
            _ = try services.referrals.countsByStatus(coordinator, filter: filter)
            _ = try services.referrals.list(coordinator, filter: filter, limit: 50)
        }
        // Everything the coordinator's home screen reads when it opens or is returned to.
        try timings.measure("dashboard_home", runs: runs) {
            _ = try services.cases.countCases(coordinator)
            _ = try services.cases.countReviewQueue(coordinator)
            _ = try services.dashboard.dashboard(coordinator)
        }
        // A year's reports: this year holds every demo case of the last year but a few.
        if let year = ReportPeriod.year(today.year) {
            for (name, kind) in [("report_cases_year", ReportKind.cases), ("report_referrals_year", .referrals),
                                 ("report_followups_year", .followUps), ("report_households_year", .households),
                                 ("report_data_quality_year", .dataQuality)] {
                try timings.measure(name, runs: max(5, runs / 3)) {
                    _ = try services.reports.make(coordinator, ReportRequest(kind: kind, period: year))
                }
            }
        }
    }
}
