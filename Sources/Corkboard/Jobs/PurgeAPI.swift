import FastCGI
import Foundation

/// The purge for admins: start a run (`DELETE /api/old_posts`, 202 with the run's id; the run
/// goes on in a process of its own) and see every run and how it ended.
enum PurgeAPI {
    static func register(on router: Router) {
        router.add("DELETE", "/api/old_posts") { try start($0) }
        router.get("/api/old_posts/runs") { try list($0) }
        router.get("/api/old_posts/runs/:id") { try show($0) }
    }

    /// The answer to a started run.
    struct Started: Encodable {
        var runId: Int64
        var status: PurgeRun.Status
        var url: String
    }

    /// `DELETE /api/old_posts`: queues a run and starts `corkboard purge-old-posts --run ID`.
    static func start(_ context: RequestContext) throws -> FastCGIResponse {
        let admin = try requireAdmin(context)
        try context.requireCSRF(form: nil)
        let runs = PurgeRuns(database: context.database)
        let id = try runs.create(trigger: .api, requestedBy: admin.id)
        var arguments = ["purge-old-posts", "--run", String(id)]
        if let path = context.app.config.sourcePath { arguments += ["--config", path] }
        do {
            try DetachedProcess.start(DetachedProcess.currentExecutable, arguments)
        } catch {
            try? runs.finish(id, .failed, error: "\(error)")
            context.app.logger.error("could not start the purge", metadata: ["run": "\(id)", "error": "\(error)"])
            throw HTTPError(503, "The purge could not be started; run \(id) is recorded as failed.")
        }
        context.app.logger.notice("purge requested", metadata: ["run": "\(id)", "admin": "\(admin.id)"])
        let url = "/api/old_posts/runs/\(id)"
        var response = JSONResponse.make(status: 202, Started(runId: id, status: .queued, url: url))
        try? response.setHeader("Location", url)
        return response
    }

    /// `GET /api/old_posts/runs`: the newest runs first.
    static func list(_ context: RequestContext) throws -> FastCGIResponse {
        _ = try requireAdmin(context)
        return JSONResponse.make(["runs": try PurgeRuns(database: context.database).recent()])
    }

    /// `GET /api/old_posts/runs/{id}`.
    static func show(_ context: RequestContext) throws -> FastCGIResponse {
        _ = try requireAdmin(context)
        guard let id = Int64(context.parameter("id")), let run = try PurgeRuns(database: context.database).find(id) else {
            throw HTTPError.notFound("There is no purge run \(context.parameter("id")).")
        }
        return JSONResponse.make(run)
    }

    /// A logged-in admin (401 when anonymous, 403 for anyone else).
    static func requireAdmin(_ context: RequestContext) throws -> User {
        let user = try context.requireUser()
        guard user.role == .admin else { throw HTTPError(403, "Only an administrator may do this.") }
        return user
    }
}
