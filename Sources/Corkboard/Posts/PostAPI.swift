import FastCGI
import Foundation

/// `/api/posts` and `/api/photos`: JSON in (or multipart with photos), JSON out, errors as
/// `{"error": …, "field": …}`. Writes need a verified account and the API's CSRF header.
enum PostAPI {
    static func postID(_ context: RequestContext) throws -> Int64 {
        guard let id = Int64(context.parameter("id")), id > 0 else { throw HTTPError.notFound("There is no such post.") }
        return id
    }

    static func writer(_ context: RequestContext) -> PostWriter {
        PostWriter(visibility: context.app.visibility, config: context.app.config, logger: context.app.logger)
    }

    /// `POST /api/photos`: one photo (a multipart part named `photo`), processed and stored;
    /// answers its id for a post's `photos` list. Unclaimed, it expires (`upload_expiry`).
    static func uploadPhoto(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requirePoster()
        try context.requireCSRF(form: nil)
        let read = try PostRequestReader(context: context, htmlForm: false).read()
        if let problem = read.problem { throw problem }
        // The photo and nothing else: a text field here would be silently dropped.
        if let (name, _) = read.form.first {
            throw name.isEmpty
                ? HTTPError.badRequest("The request has a part with an empty name. This request takes only the file part photo.", field: "body")
                : HTTPError.badRequest("Unknown field \(name). This request takes only the file part photo.", field: name)
        }
        let photos = read.fields.photos ?? []
        guard photos.count == 1, case .fresh(let photo, _) = photos[0] else {
            throw HTTPError.badRequest("Send exactly one photo, as a file part named photo.", field: "photo")
        }
        let config = context.app.config
        try PhotoRegistry(database: context.database, files: config.photoFiles)
            .storeUpload(photo, userID: user.id, expiresIn: config.posts.uploadExpiry)
        let ref = PhotoRef(sha256: photo.sha256, thumbSHA256: photo.thumbSHA256, width: photo.width, height: photo.height)
        return JSONResponse.make(status: 201, ref.json)
    }

    /// `POST /api/posts`.
    static func create(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requirePoster()
        try context.requireCSRF(form: nil)
        let read = try PostRequestReader(context: context, htmlForm: false).read()
        if let problem = read.problem { throw problem }
        let id = try writer(context).create(user: user, fields: read.fields)
        return try respond(context, id: id, status: 201)
    }

    /// `GET /api/posts/{id}`: 404 missing, 410 deleted, hidden or expired (the poster and
    /// moderators still see an expired or hidden post).
    static func show(_ context: RequestContext) throws -> FastCGIResponse {
        let id = try postID(context)
        if let post = try PostStore(database: context.database).visible(id: id, cities: context.app.cities) {
            return JSONResponse.make(PostJSON(post))
        }
        guard let post = try PostStore(database: context.database).find(id: id) else {
            throw HTTPError.notFound("There is no such post.")
        }
        if post.deletedAt != nil, let gone = post.goneForViewers() { throw gone }
        if PostPageHandler.isOwner(try context.currentUser(), of: post) {
            return JSONResponse.make(PostJSON(post))
        }
        throw post.goneForViewers() ?? HTTPError(410, "This post has expired.")
    }

    /// `PUT /api/posts/{id}`: a partial update.
    static func update(_ context: RequestContext) throws -> FastCGIResponse {
        let id = try postID(context)
        let user = try context.requirePoster()
        try context.requireCSRF(form: nil)
        let read = try PostRequestReader(context: context, htmlForm: false).read()
        if let problem = read.problem { throw problem }
        try writer(context).update(id, user: user, fields: read.fields)
        return try respond(context, id: id, status: 200)
    }

    /// `DELETE /api/posts/{id}`: 204.
    static func delete(_ context: RequestContext) throws -> FastCGIResponse {
        let id = try postID(context)
        let user = try context.requirePoster()
        try context.requireCSRF(form: nil)
        try writer(context).delete(id, user: user)
        return FastCGIResponse(status: 204, body: [])
    }

    /// `POST /api/posts/{id}/repost`: a fresh copy of an expired post of the user's.
    static func repost(_ context: RequestContext) throws -> FastCGIResponse {
        let id = try postID(context)
        let user = try context.requirePoster()
        try context.requireCSRF(form: nil)
        return try respond(context, id: try writer(context).repost(id, user: user), status: 201)
    }

    /// `GET /api/account/posts`: the user's posts, expired ones included.
    static func mine(_ context: RequestContext) throws -> FastCGIResponse {
        let user = try context.requireUser()
        let posts = try PostStore(database: context.database).byUser(user.id)
        return JSONResponse.make(["posts": posts.map { PostJSON($0) }])
    }

    static func respond(_ context: RequestContext, id: Int64, status: Int) throws -> FastCGIResponse {
        guard let post = try PostStore(database: context.database).find(id: id) else { throw HTTPError.notFound() }
        var response = JSONResponse.make(status: status, PostJSON(post))
        try? response.setHeader("Location", "/api/posts/\(id)")
        return response
    }
}
