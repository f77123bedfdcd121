import FastCGI
import Foundation

/// `PUT /_cluster/photos/{sha256}`: another application host's copy of a photo file (see
/// `PhotoPeers`). Answered only when nginx's internal cluster listener (reachable from the
/// hosts' own network only) marks the request with `CORKBOARD_PEER`; everywhere else it does
/// not exist (404). It must be signed by a host of this site (`PhotoPeers.signature`,
/// else 403), and the body must hash to the name, so a copy is exactly the file it names;
/// writing it is atomic and a file already here is kept.
enum PeerPhotoHandler {
    /// Largest file a peer may send: a display photo is re-encoded well under this.
    static let maxBytes = 16 << 20

    static func put(_ context: RequestContext) throws -> FastCGIResponse {
        guard context.request.params["CORKBOARD_PEER"] == "1" else { throw HTTPError.notFound() }
        let name = context.parameter("sha256")
        guard let sha = Crypto.sha256(hex: name), Crypto.hex(sha) == name else {
            throw HTTPError.badRequest("The name is not a lowercase SHA-256.", field: "sha256")
        }
        let bytes = try context.request.body.readAll(limit: maxBytes)
        guard context.app.config.photoPeers.verifies(context.request.params["HTTP_X_CORKBOARD_PEER_SIGNATURE"], name: name, body: bytes) else {
            throw HTTPError(403, "A photo copy must be signed by a host of this site.", field: "signature")
        }
        guard !bytes.isEmpty, Crypto.sha256(bytes) == sha else {
            throw HTTPError.badRequest("The body does not hash to its name.", field: "body")
        }
        let created = try context.app.config.photoFiles.write(bytes, sha256: sha)
        return FastCGIResponse(status: created ? 201 : 200, body: [])
    }
}
