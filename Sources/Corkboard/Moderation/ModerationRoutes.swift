import FastCGI
import Foundation

/// The moderators' side: the queue page `/moderation` with its action forms, and the same as
/// JSON under `/api/moderation/…`. Every route needs a moderator (or admin): anonymous
/// visitors are sent to log in (401 for the API), other accounts get 403, before anything is
/// read or written.
enum ModerationRoutes {
    /// The actions on a post, by their path segment.
    enum Kind: String, CaseIterable {
        case restore, remove, ban
    }

    static func register(on router: Router) {
        router.get("/moderation") { try ModerationPage.show($0) }
        router.get("/api/moderation/queue") { try queue($0) }
        router.get("/api/moderation/actions") { try actions($0) }
        for kind in Kind.allCases {
            router.post("/api/moderation/posts/:id/\(kind.rawValue)") { try api($0, kind) }
            router.post("/moderation/posts/:id/\(kind.rawValue)") { try form($0, kind) }
        }
    }

    struct QueueAnswer: Encodable {
        var pending: Int
        var posts: [ModerationQueue.Item]
    }

    struct ActionsAnswer: Encodable {
        var actions: [ModerationLog.Entry]
    }

    /// `GET /api/moderation/queue`: hidden and most-reported posts first, with their reports.
    static func queue(_ context: RequestContext) throws -> FastCGIResponse {
        _ = try context.requireModerator()
        let items = try ModerationQueue.items(context.database)
        return JSONResponse.make(QueueAnswer(pending: try ModerationQueue.pendingCount(context.database), posts: items))
    }

    /// `GET /api/moderation/actions`: every action, newest first (the latest 100).
    static func actions(_ context: RequestContext) throws -> FastCGIResponse {
        _ = try context.requireModerator()
        return JSONResponse.make(ActionsAnswer(actions: try ModerationLog.recent(context.database)))
    }

    /// `POST /api/moderation/posts/{id}/{restore|remove|ban}`: `{"reason"}`; 200 `{"message"}`.
    static func api(_ context: RequestContext, _ kind: Kind) throws -> FastCGIResponse {
        let moderator = try context.requireModerator()
        let id = try PostAPI.postID(context)
        try context.requireCSRF(form: nil)
        let input = try AccountInput.read(context, takes: ModerationActionFields.self)
        return JSONResponse.make(["message": try perform(context, kind, postID: id, by: moderator, input: input)])
    }

    /// `POST /moderation/posts/{id}/{restore|remove|ban}` (the queue page's forms): back to
    /// the queue, which lists the action.
    static func form(_ context: RequestContext, _ kind: Kind) throws -> FastCGIResponse {
        let moderator = try context.requireModerator()
        let id = try PostAPI.postID(context)
        let input = try AccountInput.read(context)
        try context.requireCSRF(form: input.form)
        _ = try perform(context, kind, postID: id, by: moderator, input: input)
        return try FastCGIResponse.redirect(to: "/moderation#done-\(id)")
    }

    static func perform(_ context: RequestContext, _ kind: Kind, postID id: Int64, by moderator: User,
                        input: AccountInput) throws -> String {
        let why = try input.string("reason", label: "Why (recorded with the action)", maxLength: 1000)
        let service = ModerationService(context: context)
        switch kind {
        case .restore:
            try service.restore(postID: id, by: moderator, why: why)
            return "The post is shown again; its reports are resolved."
        case .remove:
            try service.remove(postID: id, by: moderator, why: why)
            return "The post is removed."
        case .ban:
            try service.ban(postID: id, by: moderator, why: why)
            return "The poster is banned: every post of theirs is hidden and their sessions are ended."
        }
    }
}
