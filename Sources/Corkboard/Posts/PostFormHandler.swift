import MariaDB
import FastCGI
import Foundation

/// The HTML side of writing posts: `/post/new`, `/post/{id}/edit`, and the POST routes for
/// delete and repost (browsers cannot send PUT or DELETE). Anonymous visitors are sent to
/// log in and back; unverified accounts get 403 with how to verify.
enum PostFormHandler {
    static func newForm(_ context: RequestContext) throws -> FastCGIResponse {
        _ = try context.requirePoster()
        var values = PostFormView.Values()
        values.city = try context.request.queryValue("city") ?? ""
        return try PostFormView.render(context, action: "/post/new", heading: "New post", values: values)
    }

    static func create(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requirePoster()
        let read = try PostRequestReader(context: context, htmlForm: true).read()
        try context.requireCSRF(form: read.form)
        let id: Int64
        do {
            if let problem = read.problem { throw problem }
            id = try PostAPI.writer(context).create(user: user, fields: read.fields)
        } catch let error as HTTPError {
            return try refilled(context, action: "/post/new", heading: "New post", read, error)
        }
        return try FastCGIResponse.redirect(to: "/post/\(id)")
    }

    static func editForm(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requirePoster()
        let post = try owned(context, user: user)
        return try PostFormView.render(context, action: "/post/\(post.id)/edit", heading: "Edit post", values: .init(post: post))
    }

    static func update(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requirePoster()
        let post = try owned(context, user: user)
        let read = try PostRequestReader(context: context, htmlForm: true).read()
        try context.requireCSRF(form: read.form)
        do {
            if let problem = read.problem { throw problem }
            try PostAPI.writer(context).update(post.id, user: user, fields: read.fields)
        } catch let error as HTTPError {
            return try refilled(context, action: "/post/\(post.id)/edit", heading: "Edit post", read, error)
        }
        return try FastCGIResponse.redirect(to: "/post/\(post.id)")
    }

    static func delete(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requirePoster()
        let form = FastCGIRequest.parseFormURLEncoded(try context.request.body.readAll(limit: context.app.config.bodyLimit))
        try context.requireCSRF(form: form)
        let id = try PostAPI.postID(context)
        try PostAPI.writer(context).delete(id, user: user)
        return try FastCGIResponse.redirect(to: "/account/posts")
    }

    static func repost(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requirePoster()
        let form = FastCGIRequest.parseFormURLEncoded(try context.request.body.readAll(limit: context.app.config.bodyLimit))
        try context.requireCSRF(form: form)
        let id = try PostAPI.writer(context).repost(try PostAPI.postID(context), user: user)
        return try FastCGIResponse.redirect(to: "/post/\(id)")
    }

    /// The post, if `user` may edit it (404 / 410 / 403 otherwise).
    static func owned(_ context: RequestContext, user: User) throws -> Post {
        guard let post = try PostStore(database: context.database).find(id: try PostAPI.postID(context)) else {
            throw HTTPError.notFound("There is no such post.")
        }
        if post.deletedAt != nil { throw HTTPError(410, "This post was deleted.") }
        guard post.userID == user.id || user.role != .user else {
            throw HTTPError(403, "Only the poster (or a moderator) can change this post.")
        }
        return post
    }

    /// The form again with what the poster sent and why it was refused: any refusal meant for
    /// people, a 4xx or a 503 that passes (the images folder full, the primary down), so the
    /// text they typed is never lost; its Retry-After goes along.
    static func refilled(_ context: RequestContext, action: String, heading: String,
                         _ read: PostRequestReader.Result, _ error: HTTPError) throws -> FastCGIResponse {
        var response = try PostFormView.render(context, action: action, heading: heading,
                                               values: .init(form: read.form, keeping: try kept(context, read)),
                                               error: error, status: error.status)
        for (name, value) in error.headers where name == "Retry-After" { try? response.setHeader(name, value) }
        return response
    }

    /// Photos a failed submit referred to by id that still exist, to show again.
    static func kept(_ context: RequestContext, _ read: PostRequestReader.Result) throws -> [PhotoRef] {
        let ids = read.form.filter { $0.0 == "photos" }.compactMap { Crypto.sha256(hex: $0.1) }
        guard !ids.isEmpty else { return [] }
        let rows = try context.database.readPrimary("SELECT sha256, thumb_sha256, width, height FROM photos WHERE sha256 IN \(SQL.list(ids))")
        let byHash = Dictionary(try rows.map { r in let p = try PhotoRef(row: r); return (p.sha256, p) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { byHash[$0] }
    }
}
