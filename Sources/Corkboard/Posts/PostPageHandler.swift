import FastCGI
import Foundation

/// `GET /post/{id}`: one post, its description shown as escaped paragraphs.
enum PostPageHandler {
    static func show(_ context: RequestContext) throws -> FastCGIResponse {
        guard let id = Int64(context.parameter("id")), id > 0,
              let hot = try HotPostReader.post(id, context: context, render: article) else {
            throw HTTPError.notFound("This post does not exist or is no longer shown.")
        }
        let post = hot.post
        return HTMLResponse.make(Layout.page(title: post.title, siteName: context.app.config.siteName,
                                             city: (post.citySlug, post.cityName), body: hot.article))
    }

    /// The post's article markup, the same for every viewer (what the hot-post cache keeps).
    static func article(_ post: Post) -> HTML {
        let paragraphs: [HTML] = post.description
            .components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
            .map { "<p>\($0)</p>\n" }
        let place = [post.neighbourhood, post.locationText].compactMap { $0 }.joined(separator: " · ")
        return """
            <article class="post">
            <h1>\(post.title)</h1>
            <p class="price">\(Layout.price(post.priceMinor))</p>
            <p class="meta">\(post.category) · \(place) · posted \(Layout.age(post.createdAt))</p>
            \(paragraphs)</article>
            """
    }
}
