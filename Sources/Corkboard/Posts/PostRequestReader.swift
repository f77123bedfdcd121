import FastCGI
import Foundation

/// Reads a post create/edit request into `PostFields`: JSON (`application/json`) or
/// `multipart/form-data` (the HTML form and API clients sending photos with the post). Photos
/// in a multipart body are streamed part by part and processed as each one ends, so at most
/// one raw photo is held at a time; text parts are capped too. The first bad photo is
/// remembered (naming it) while the text fields are still read, so the HTML form can come back
/// refilled.
struct PostRequestReader {
    let context: RequestContext
    /// True for the HTML form: `price` is typed text ("12.50"), not minor units.
    let htmlForm: Bool

    /// What a multipart read produced: the fields, the text pairs (for CSRF and refilling the
    /// form) and the first photo or field problem.
    struct Result {
        var fields = PostFields()
        var form: [(String, String)] = []
        var problem: HTTPError?
    }

    static let maxTextPart = 64 * 1024
    static let maxJSON = 256 * 1024

    func read() throws -> Result {
        let type = context.request.contentType ?? ""
        if type.lowercased().hasPrefix("application/json") {
            guard !htmlForm else { throw HTTPError(415, "Send the form as multipart/form-data.") }
            return Result(fields: try PostBody.decode(json: context.request.body.readAll(limit: Self.maxJSON)).fields())
        }
        guard let boundary = MultipartParser.boundary(contentType: type) else {
            throw HTTPError(415, "Send JSON (application/json) or multipart/form-data with a boundary.")
        }
        return try readMultipart(boundary: boundary)
    }

    private func readMultipart(boundary: String) throws -> Result {
        let config = context.app.config.posts
        let processor = PhotoProcessor(config: config)
        let parser: MultipartParser
        do { parser = try MultipartParser(boundary: boundary, limits: .init(maxParts: config.maxPhotos + 40)) } catch {
            throw HTTPError.badRequest(error.description)
        }
        var result = Result()
        var photos: [PostFields.PhotoItem] = []
        var current: MultipartParser.PartHeaders?
        var bytes: [UInt8] = []
        var overflow = false
        var photoNumber = 0
        let body = context.request.body
        do {
        try parser.parse(body) { event in
            if body.bytesRead > config.uploadBodyLimit { throw FastCGIError.bodyTooLarge(limit: config.uploadBodyLimit) }
            switch event {
            case .begin(let headers):
                current = headers
                bytes = []
                overflow = false
            case .data(let chunk):
                let isFile = current?.filename != nil
                let cap = isFile ? config.maxPhotoBytes + 1 : Self.maxTextPart
                if bytes.count + chunk.count > cap { overflow = true } else { bytes += chunk }
            case .end:
                guard let part = current else { return }
                current = nil
                if let filename = part.filename {
                    // An empty file input (no file chosen) sends an empty part without a name.
                    if filename.isEmpty && bytes.isEmpty { return }
                    photoNumber += 1
                    let label = "Photo \(photos.count + 1) (\(filename))"
                    guard result.problem == nil else { return }
                    if photos.count >= config.maxPhotos {
                        result.problem = .badRequest("A post can have at most \(config.maxPhotos) photos; \(label) is one too many.", field: "photos")
                        return
                    }
                    do throws(PhotoError) {
                        if overflow { throw .tooLarge(limit: config.maxPhotoBytes) }
                        photos.append(.fresh(try processor.process(bytes, logger: context.app.logger), label: label))
                    } catch {
                        result.problem = .badRequest(error.message(photo: label), field: "photos")
                    }
                } else {
                    if overflow { throw HTTPError(413, "The field \(part.name) is too long.") }
                    let value = String(decoding: bytes, as: UTF8.self)
                    result.form.append((part.name, value))
                    if part.name == "photos" || part.name == "photo_id" {
                        for id in value.split(whereSeparator: { $0 == "," || $0 == " " }) {
                            guard let sha = Crypto.sha256(hex: String(id)) else {
                                if result.problem == nil {
                                    result.problem = .badRequest("Photo \(photos.count + 1) has an invalid id.", field: "photos")
                                }
                                continue
                            }
                            photos.append(.existing(sha256: sha, label: "Photo \(photos.count + 1)"))
                        }
                    }
                }
            }
        }
        } catch let error as MultipartError {
            throw HTTPError.badRequest(error.description)
        }
        do {
            result.fields = try Self.fields(form: result.form, htmlForm: htmlForm)
        } catch let error as HTTPError {
            if result.problem == nil { result.problem = error }
        }
        // A form that sent a photo list (even empty: "photos_sent") sets the photos.
        if !photos.isEmpty || result.form.contains(where: { $0.0 == "photos_sent" }) || photoNumber > 0 {
            result.fields.photos = photos
        }
        return result
    }

    /// Text fields of a form. Absent fields stay nil (an edit keeps them).
    static func fields(form: [(String, String)], htmlForm: Bool) throws -> PostFields {
        var f = PostFields()
        func value(_ name: String) -> String? { form.last { $0.0 == name }?.1 }
        f.title = value("title")
        f.description = value("description")
        f.city = value("city")
        f.category = value("category")
        if let n = value("neighbourhood") { f.neighbourhood = n.isEmpty ? .null : .set(n) }
        if let l = value("location_text") { f.locationText = .set(l) }
        // An unticked box sends nothing, so the form says it showed the box ("contact_sent").
        if let c = value("contact_enabled") {
            guard let on = ["1": true, "true": true, "on": true, "0": false, "false": false][c.lowercased()] else {
                throw HTTPError.badRequest("contact_enabled must be true or false.", field: "contact_enabled")
            }
            f.contactEnabled = on
        } else if value("contact_sent") != nil {
            f.contactEnabled = false
        }
        if let p = value("price") {
            f.priceText = p
        } else if let p = value("price_minor") {
            let t = p.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { f.priceMinor = .null } else {
                guard let v = Int64(t) else {
                    throw HTTPError.badRequest("price_minor must be a whole number of minor units of the city's currency, such as 1250 for 12.50.", field: "price")
                }
                f.priceMinor = .set(v)
            }
        }
        return f
    }
}
