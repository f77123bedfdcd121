import Foundation
import Testing
@testable import Corkboard

/// The OpenAPI document (public/api/openapi.json) against the router: every `/api/` route the
/// application registers is in the document and every operation of the document is a route
/// (or a file nginx serves), so a route added without its contract fails here.
@Suite struct OpenAPIDocumentTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// The document's paths, parsed.
    func document() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.repo.appendingPathComponent("public/api/openapi.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// "METHOD /api/posts/{id}" for each operation of the document; `nginx` those it marks
    /// `x-served-by: nginx`.
    func operations() throws -> (app: Set<String>, nginx: Set<String>) {
        let paths = try #require(try document()["paths"] as? [String: [String: Any]])
        var app = Set<String>(), nginx = Set<String>()
        for (path, item) in paths {
            for method in Self.methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                let key = "\(method.uppercased()) \(path)"
                if operation["x-served-by"] as? String == "nginx" { nginx.insert(key) } else { app.insert(key) }
            }
        }
        return (app, nginx)
    }

    /// "METHOD /api/posts/{id}" for each `/api/` route of the application's router.
    static func routes() -> Set<String> {
        let router = Router()
        CorkboardApp.registerRoutes(on: router)
        return Set(router.registered.filter { $0.pattern.hasPrefix("/api/") }.map { route in
            let path = route.pattern.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method) /" + path.joined(separator: "/")
        })
    }

    @Test func everyAPIRouteIsDocumentedAndEveryOperationIsARoute() throws {
        let documented = try operations().app
        let routes = Self.routes()
        #expect(routes.count > 20, "the router lists its routes")
        #expect(routes.subtracting(documented).sorted() == [], "routes missing from public/api/openapi.json")
        #expect(documented.subtracting(routes).sorted() == [], "operations of public/api/openapi.json that no route answers")
    }

    /// What the document says nginx serves is a `location =` of the shared nginx locations,
    /// and no route of the application.
    @Test func operationsServedByNginxAreNginxLocations() throws {
        let nginx = try operations().nginx
        #expect(!nginx.isEmpty)
        let locations = try String(contentsOf: Self.repo.appendingPathComponent("nginx/corkboard-locations.conf"), encoding: .utf8)
        for operation in nginx {
            let path = String(operation.split(separator: " ")[1])
            #expect(locations.contains("location = \(path) {"), "\(operation) is not an nginx location")
            #expect(!Self.routes().contains(operation), "\(operation) is also a route of the application")
        }
    }

    /// Each operation names the path parameters of its path, and lists only the statuses it
    /// answers with (at least one 2xx).
    @Test func operationsAreComplete() throws {
        let paths = try #require(try document()["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            let names = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            for method in Self.methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                let parameters = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }
                #expect(Set(parameters.compactMap { $0["name"] as? String }) == names, "\(method) \(path): path parameters")
                let statuses = try #require(operation["responses"] as? [String: Any]).keys
                #expect(statuses.contains { $0.hasPrefix("2") }, "\(method) \(path): no 2xx")
                #expect(!statuses.contains("default"), "\(method) \(path): list the real statuses, not `default`")
            }
        }
    }
}
