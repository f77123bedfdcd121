import FastCGI
import Foundation

/// The create/edit form. Without JavaScript it posts everything at once (multipart); with
/// /static/post-form.js each chosen photo is uploaded on its own with a progress bar and the
/// form then carries only photo ids. No inline script or style (the CSP forbids both).
enum PostFormView {
    /// What the form shows: a post being edited, or what a failed submit sent back.
    struct Values {
        var title = ""
        var description = ""
        var price = ""
        var city = ""
        var neighbourhood = ""
        var category = ""
        var locationText = ""
        var contactEnabled = true
        var photos: [PhotoRef] = []

        init() {}

        init(post: Post) {
            title = post.title
            description = post.description
            price = post.currency.format(post.priceMinor, .input)
            city = post.citySlug
            neighbourhood = post.neighbourhoodSlug ?? ""
            category = post.categorySlug
            locationText = post.locationText ?? ""
            contactEnabled = post.contactEnabled
            photos = post.photos
        }

        /// A submitted form, refilled after an error (photos sent as files must be chosen again).
        init(form: [(String, String)], keeping photos: [PhotoRef]) {
            func v(_ n: String) -> String { form.last { $0.0 == n }?.1 ?? "" }
            title = v("title"); description = v("description"); price = v("price"); city = v("city")
            neighbourhood = v("neighbourhood"); category = v("category"); locationText = v("location_text")
            contactEnabled = form.contains { $0.0 == "contact_enabled" }
            self.photos = photos
        }
    }

    static func render(_ context: RequestContext, action: String, heading: String, values: Values,
                       error: HTTPError? = nil, status: Int = 200) throws -> FastCGIResponse {
        let catalog = PostCatalog(database: context.database)
        let config = context.app.config.posts
        func options(_ choices: [PostCatalog.Choice], selected: String) -> [HTML] {
            choices.map { c in "<option value=\"\(c.slug)\"\(.attribute("selected", if: c.slug == selected))>\(c.name)</option>" }
        }
        // A price is typed in its city's currency: each city names its own, and so does the
        // price's label once a city is chosen.
        let cities = try CityStore(database: context.database).all()
        let cityOptions: [HTML] = cities.map { c in
            "<option value=\"\(c.slug)\"\(.attribute("selected", if: c.slug == values.city))>\(c.name) (\(c.currency.code))</option>"
        }
        let currency = cities.first { $0.slug == values.city }?.currency
        let priceUnit: HTML = currency.map { "(\($0.symbol), \($0.code))" } ?? "(in the city’s currency)"
        let priceMode: HTML = currency?.minorDigits == 0 ? "numeric" : "decimal"
        var hoodGroups: [HTML] = []
        var lastCity = ""
        for (city, hood) in try catalog.neighbourhoods() {
            if city != lastCity {
                if !lastCity.isEmpty { hoodGroups.append("</optgroup>") }
                hoodGroups.append("<optgroup label=\"\(city)\" data-city=\"\(city)\">")
                lastCity = city
            }
            hoodGroups.append("<option value=\"\(hood.slug)\" data-city=\"\(city)\"\(.attribute("selected", if: hood.slug == values.neighbourhood))>\(hood.name)</option>")
        }
        if !lastCity.isEmpty { hoodGroups.append("</optgroup>") }
        let photos: [HTML] = values.photos.map { p in
            """
            <li class="photo" data-id="\(p.id)"><img src="\(p.thumbURL)" alt="">
            <label><input type="checkbox" name="photos" value="\(p.id)" checked> keep</label></li>

            """
        }
        let problem = FieldError(error, id: "post-error")
        func bad(_ field: String) -> HTML { problem.attributes(field) }
        let body: HTML = """
            <h1>\(heading)</h1>
            \(problem.message(class: "form-error"))
            <form class="post-form" method="post" action="\(action)" enctype="multipart/form-data"
                  data-max-photos="\(config.maxPhotos)" data-max-bytes="\(config.maxPhotoBytes)">
            <input type="hidden" name="csrf_token" value="\(try context.csrfToken())">
            <input type="hidden" name="photos_sent" value="1">
            <p><label>Title <input name="title"\(bad("title")) required maxlength="120" value="\(values.title)"></label></p>
            <p><label>Price <span class="currency">\(priceUnit)</span> <input name="price"\(bad("price")) inputmode="\(priceMode)" placeholder="free" value="\(values.price)"></label></p>
            <p><label>City <select name="city"\(bad("city")) required><option value="">Choose…</option>\(cityOptions)</select></label></p>
            <p><label>Neighbourhood <select name="neighbourhood"\(bad("neighbourhood"))><option value="">(none)</option>\(hoodGroups)</select></label></p>
            <p><label>Category <select name="category"\(bad("category")) required><option value="">Choose…</option>\(options(try catalog.categories(), selected: values.category))</select></label></p>
            <p><label>Where <input name="location_text"\(bad("location_text")) maxlength="200" value="\(values.locationText)"></label></p>
            <p><label>Description <textarea name="description"\(bad("description")) required rows="10" maxlength="10000">\(values.description)</textarea></label></p>
            <p><input type="hidden" name="contact_sent" value="1"><label><input type="checkbox" name="contact_enabled" value="1"\(.attribute("checked", if: values.contactEnabled))> Let viewers write to me through the site (your address stays hidden; theirs is shown to you)</label></p>
            <fieldset class="photos"><legend>Photos (up to \(config.maxPhotos), each at most 1 MiB: JPEG, PNG or WebP)</legend>
            <ol class="photo-list">\(photos)</ol>
            <ul class="upload-progress"></ul>
            <p class="visually-hidden upload-announce" aria-live="polite"></p>
            <p><label>Add photos <input type="file" name="photo" multiple accept="image/jpeg,image/png,image/webp"\(bad("photo"))\(bad("photos"))></label></p>
            </fieldset>
            <p><button type="submit">Publish</button></p>
            </form>
            \(StaticAssets.script("post-form.js"))
            """
        return HTMLResponse.make(status: status, Layout.page(title: heading, siteName: context.app.config.siteName, body: body))
    }
}
