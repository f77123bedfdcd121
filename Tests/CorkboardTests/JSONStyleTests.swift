import Foundation
import Testing
@testable import Corkboard

/// Every JSON answer uses one key style, snake_case, from the one encoder.
@Suite struct JSONStyleTests {
    /// Every object key in `json`, at any depth, except the keys of maps whose keys are data.
    func keys(_ value: Any, skipping dataMaps: Set<String> = []) -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, inner in [key] + (dataMaps.contains(key) ? [] : keys(inner, skipping: dataMaps)) }
        }
        if let array = value as? [Any] { return array.flatMap { keys($0, skipping: dataMaps) } }
        return []
    }

    func encodedKeys(_ value: some Encodable) throws -> [String] {
        let data = try JSONResponse.encoder.encode(value)
        return keys(try JSONSerialization.jsonObject(with: data), skipping: ["skips", "wait_buckets_ms"])
    }

    func isSnakeCase(_ key: String) -> Bool { JSONKeyStyle.isSnakeCase(key) }

    @Test func operatorAnswersAreSnakeCase() throws {
        let report = RoutingMetrics.Report(
            servers: [.init(number: 1, role: "replica", address: "127.0.0.1:1", reads: 1, state: "usable", lagSeconds: 0.5,
                            skips: ["io-stopped": 1])],
            causal: .init(caughtUp: 1, fallbacks: 2, waitSecondsTotal: 0.1, waitBucketsMS: ["+Inf": 3]),
            primaryDownEvents: 0, cache: .init(hits: 1, misses: 1, evictions: 0, invalidations: 0, expirations: 0, stale: 0))
        let status = StatusHandler.Body(masterPid: 1, startedAt: Date(), generation: 1, restarts: 0,
                                        workers: [.init(slot: 0, pid: 2, state: "idle", requests: 3, busySeconds: 0.2, current: "")],
                                        busy: 0, idle: 1, requests: 3, database: report)
        let keys = try encodedKeys(status)
        #expect(keys.allSatisfy(isSnakeCase), "\(keys.filter { !isSnakeCase($0) })")
        for expected in ["master_pid", "started_at", "busy_seconds", "lag_seconds", "caught_up", "wait_seconds_total",
                         "wait_buckets_ms", "primary_down_events"] {
            #expect(keys.contains(expected), "\(expected)")
        }
        let health = HealthHandler.Body(status: "ok", reads: true, writes: true,
                                        servers: [.init(address: "a", role: "replica", reachable: true, state: "usable", lagSeconds: 1)])
        #expect(try encodedKeys(health).contains("lag_seconds"))
    }

    @Test func apiAnswersAreSnakeCase() throws {
        let hit = SearchHit(id: 1, title: "t", priceMinor: 5, currency: .krw, category: "c", neighbourhood: nil, createdAt: Date(), thumbnail: nil)
        let page = SearchHandler.APIPage(city: "x", posts: [hit], nextCursor: "c", newPosts: 2)
        let user = User(id: 1, email: "a@b.example", role: .user, emailVerified: true)
        let all = try encodedKeys(page) + encodedKeys(["user": user])
        #expect(all.allSatisfy(isSnakeCase), "\(all.filter { !isSnakeCase($0) })")
        #expect(Set(all).isSuperset(of: ["next_cursor", "new_posts", "price_minor", "currency", "created_at", "email_verified"]))
    }
}
