import Foundation
import Testing
@testable import Corkboard

@Suite struct AddressAllowListTests {
    @Test func loopbackAlwaysConfiguredNetworksToo() throws {
        let list = try AddressAllowList.parse("10.0.0.5, 10.1.0.0/16, fd00::/8").get()
        for ok in ["127.0.0.1", "::1", "::ffff:127.0.0.1", "10.0.0.5", "10.1.200.3", "fd12::1", "::ffff:10.1.0.9"] {
            #expect(list.allows(ok), "\(ok)")
        }
        for refused in ["127.0.0.2", "10.0.0.6", "10.2.0.1", "fe80::1", "", "not-an-address", "192.0.2.10"] {
            #expect(!list.allows(refused), "\(refused)")
        }
        #expect(!list.allows(nil))
        #expect(list.nginxRules == "allow  10.0.0.5;\nallow  10.1.0.0/16;\nallow  fd00::/8;\n")
    }

    @Test func aBadEntryIsNamed() {
        guard case .failure(let f) = AddressAllowList.parse("10.0.0.5, 10.0.0.0/33") else { Issue.record("parsed"); return }
        #expect(f.entry == "10.0.0.0/33")
        guard case .failure(let g) = AddressAllowList.parse("example.com") else { Issue.record("parsed"); return }
        #expect(g.entry == "example.com")
    }

    @Test func labelValuesAreEscaped() {
        var out = PrometheusText()
        out.sample("x", [("term", "a\"b\\c\nd")], 1.5)
        #expect(out.text == "x{term=\"a\\\"b\\\\c\\nd\"} 1.5\n")
    }

    @Test func logValuesFromTheClientAreQuoted() {
        #expect(RequestLog.value("GET") == "GET")
        #expect(RequestLog.value("a b\"=\n") == "\"a b\\\"=\\n\"")
        #expect(RequestLog.ms(0.0012346) == "1.235" && RequestLog.ms(2.5) == "2500.000" && RequestLog.ms(0.00001) == "0.010")
    }
}

/// /metrics of one app in process (no pool: its own counters), on a scratch database.
@Suite(.serialized) struct InProcessMetricsTests {
    func harness() throws -> AppHarness {
        let base = try AppHarness(seedPosts: 1)
        return try AppHarness.attach(to: base, settings: ["metrics_dir": "", "metrics_allow": "198.51.100.7",
                                                          "search_term_min_clients": "2"])
    }

    func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func countsByRoutePatternAndRefusesOtherPeers() throws {
        let h = try harness()
        for _ in 0..<3 { _ = try h.request("GET", "/healthz", remote: "127.0.0.1") }
        _ = try h.request("GET", "/post/999999999")
        _ = try h.request("GET", "/no/such/page/at/all")
        let refused = try h.request("GET", "/metrics", remote: "127.0.0.2")
        #expect(refused.status == 403)
        #expect(refused.text.contains("Request id: <code>test-"))
        let m = try h.request("GET", "/metrics", remote: "198.51.100.7")
        #expect(m.status == 200)
        #expect(m.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let t = m.text
        #expect(value(t, #"corkboard_http_requests_total{route="/healthz",status_class="2xx"}"#) == 3)
        #expect(value(t, #"corkboard_http_requests_total{route="/post/:id",status_class="4xx"}"#) == 1)
        #expect(value(t, #"corkboard_http_requests_total{route="unmatched",status_class="4xx"}"#) == 1)
        #expect(value(t, #"corkboard_http_requests_total{route="/metrics",status_class="4xx"}"#) == 1)
        #expect(value(t, #"corkboard_http_request_duration_seconds_count{route="/healthz"}"#) == 3)
        #expect(value(t, #"corkboard_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"}"#) == 3)
        #expect(!t.contains("no/such"), "a raw path became a label")
        #expect(value(t, "corkboard_primary_up") == 1)
        let statements = (value(t, #"corkboard_db_queries_total{role="primary"}"#) ?? 0) + (value(t, #"corkboard_db_queries_total{role="replica"}"#) ?? 0)
        #expect(statements > 0)
        for name in ["corkboard_outbox_messages", "corkboard_purge_last_success_timestamp_seconds", "corkboard_reports_total",
                     "corkboard_posts_auto_hidden_total", "corkboard_moderation_queue_posts", "corkboard_searches_total"] {
            #expect(value(t, name) != nil, "\(name) missing")
        }
    }

    @Test func searchTermsNeedEnoughDistinctClients() throws {
        let h = try harness()
        for client in ["192.0.2.1", "192.0.2.2", "192.0.2.2"] { _ = try h.request("GET", "/lisbon/search?q=Red+Bicycle", remote: client) }
        _ = try h.request("GET", "/lisbon/search?q=my+own+address+42", remote: "192.0.2.3")
        // Scrapes read a replica: poll until it has the hits.
        var t = ""
        for _ in 0..<50 {
            t = try h.request("GET", "/metrics", remote: "127.0.0.1").text
            if value(t, #"corkboard_search_term_recent{term="red bicycle"}"#) != nil { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(value(t, #"corkboard_search_term_recent{term="red bicycle"}"#) == 3)
        #expect(value(t, #"corkboard_search_term_baseline{term="red bicycle"}"#) == 3.0 / 144)
        #expect(!t.contains("own address"))
        #expect(value(t, "corkboard_searches_total") == 4)
    }

    func storedHits(_ h: AppHarness) throws -> Int64 {
        try h.app.database.readPrimary("SELECT CAST(COALESCE(SUM(searches), 0) AS SIGNED) AS n FROM search_term_hits")
            .first!.decode("n", as: Int64.self)
    }

    @Test func aSearchWritesNothingItselfTheWorkerFlushesItsCountsWhenDueAndWhenItStops() throws {
        let h = try harness()
        _ = try h.request("GET", "/lisbon/search?q=green+lamp", remote: "192.0.2.1")
        _ = try h.request("GET", "/lisbon/search?q=green+lamp", remote: "192.0.2.1")
        #expect(h.app.searchTerms.pending == 1)
        h.app.idle()   // not due yet: younger than the flush interval and few keys
        #expect(try storedHits(h) == 0)
        h.app.stopping()
        #expect(try storedHits(h) == 2)
        #expect(h.app.searchTerms.pending == 0)
    }

    @Test func pruneFoldsEachOldBucketWholeOnceAndKeepsTheRecentWindow() throws {
        let h = try harness()
        let stats = SearchTermStats(database: h.app.database)
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 600).rounded(.down) * 600 + 300)
        let client: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        // Two old buckets (40 and 25 minutes ago) and one hit inside the recent window.
        for (ago, term, n) in [(40.0, "sofa", 2), (38.0, "sofa", 1), (25.0, "sofa", 4), (25.0, "bike", 1), (3.0, "sofa", 5)] {
            let minute = SearchTermStats.floor(now.addingTimeInterval(-ago * 60), 60)
            try stats.record(["(\(minute), \(term), \(client), \(n))"])
        }
        #expect(try stats.prune(now: now) == 2)
        #expect(try stats.prune(now: now) == 0)
        let buckets = try h.app.database.readPrimary("SELECT term, searches FROM search_term_buckets ORDER BY bucket, term")
            .map { "\(try $0.decode("term", as: String.self))=\(try $0.decode("searches", as: Int64.self))" }
        #expect(buckets == ["sofa=3", "bike=1", "sofa=4"])
        #expect(try storedHits(h) == 5)
    }
}

@Suite struct SearchTermBufferTests {
    @Test func dueWhenOldEnoughOrLargeEnough() {
        var now = 100.0
        let buffer = SearchTermBuffer(clock: { now })
        #expect(!buffer.isDue)
        buffer.add(term: "lamp", client: [1])
        buffer.add(term: "lamp", client: [1])
        #expect(buffer.pending == 1 && !buffer.isDue)
        now += SearchTermBuffer.flushInterval
        #expect(buffer.isDue)
        let full = SearchTermBuffer(clock: { 0 })
        for i in 0..<SearchTermBuffer.maxKeys { full.add(term: "t\(i)", client: [1]) }
        #expect(full.isDue)
    }
}
