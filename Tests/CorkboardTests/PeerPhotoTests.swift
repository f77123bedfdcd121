import Foundation
import Testing
@testable import Corkboard

/// `PUT /_cluster/photos/{sha256}`, as the cluster listener passes it (`CORKBOARD_PEER`): only
/// a copy signed with the site's `photo_peer_secret` over its name and bytes is written.
@Suite struct PeerPhotoTests {
    static let secret = "peer-secret-0123456789abcdef-0123456789"

    @Test func aCopyIsWrittenOnlyWhenSignedByAHostOfTheSite() throws {
        let h = try AppHarness(settings: ["host_id": "b", "photo_peers": "http://192.0.2.1:9", "photo_peer_secret": Self.secret])
        let body = Array("a photo file from host a".utf8), sha = Crypto.sha256(body), name = Crypto.hex(sha)
        func put(_ signature: String?, _ bytes: [UInt8] = body) throws -> AppHarness.Response {
            try h.request("PUT", "/_cluster/photos/\(name)", headers: signature.map { [PhotoPeers.signatureHeader: $0] } ?? [:],
                          body: bytes, params: ["CORKBOARD_PEER": "1"])
        }
        let signed = PhotoPeers.signature(name: name, body: body, key: HMACSHA256(key: Array(Self.secret.utf8)))
        #expect(try put(nil).status == 403, "unsigned")
        #expect(try put(PhotoPeers.signature(name: name, body: body, key: HMACSHA256(key: Array("another site's secret, just as long".utf8)))).status == 403)
        #expect(try put(signed, Array("other bytes under that name".utf8)).status == 403, "the signature covers the bytes")
        #expect(try put(String(signed.dropLast()) + "x").status == 403, "not hex")
        #expect(!h.app.config.photoFiles.exists(sha), "a refused copy writes nothing")
        let accepted = try put(signed)
        #expect(accepted.status == 201, "\(accepted.text)")
        #expect(h.app.config.photoFiles.exists(sha))
        #expect(try put(signed).status == 200, "a copy already here is kept")
    }
}
