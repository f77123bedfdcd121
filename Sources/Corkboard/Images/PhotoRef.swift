import MariaDB

/// A stored photo as a post shows it.
public struct PhotoRef: Sendable, Codable, Equatable {
    public var sha256: [UInt8]
    public var thumbSHA256: [UInt8]
    public var width: Int
    public var height: Int

    public init(sha256: [UInt8], thumbSHA256: [UInt8], width: Int, height: Int) {
        self.sha256 = sha256
        self.thumbSHA256 = thumbSHA256
        self.width = width
        self.height = height
    }

    /// Where a result keeps a photo's columns (`sha256`, `thumb_sha256`, `width`, `height`),
    /// looked up once for all its rows: a post page reads one row per photo.
    struct Columns {
        let sha256, thumb, width, height: Int

        init(_ description: RowDescription) throws {
            (sha256, thumb) = (try description.position(of: "sha256"), try description.position(of: "thumb_sha256"))
            (width, height) = (try description.position(of: "width"), try description.position(of: "height"))
        }
    }

    init(row: Row) throws {
        try self.init(row: row, columns: Columns(row.rowDescription))
    }

    init(row: Row, columns: Columns) throws {
        sha256 = try row.decode(columns.sha256, as: [UInt8].self)
        thumbSHA256 = try row.decode(columns.thumb, as: [UInt8].self)
        width = try row.decode(columns.width, as: Int.self)
        height = try row.decode(columns.height, as: Int.self)
    }

    public var id: String { Crypto.hex(sha256) }
    public var url: String { PhotoFiles.url(sha256) }
    public var thumbURL: String { PhotoFiles.url(thumbSHA256) }
    /// The same paths as markup: `/images/`, hex digits and `.jpg`, nothing to escape (a page
    /// writes each photo's paths several times; escaping them byte by byte was a fifth of the
    /// gallery's cost).
    var urlHTML: HTML { HTML(unsafeRaw: url) }
    var thumbURLHTML: HTML { HTML(unsafeRaw: thumbURL) }

    /// The API's view of a photo.
    public var json: PhotoJSON { PhotoJSON(id: id, url: url, thumb_url: thumbURL, width: width, height: height) }
}
