import Testing
@testable import FastCGI

/// The params as the worker keeps them: looked up as a dictionary would answer (a repeated
/// name has its last value), with the caps counted as before (bytes of every entry, distinct
/// names).
@Suite struct FastCGIParamsTests {
    func params(_ entries: [String]) throws -> FastCGIParams {
        var params = FastCGIParams()
        for entry in entries { try Array(entry.utf8).withUnsafeBytes { try params.add($0) } }
        return params
    }

    @Test func lookupsAnswerAsADictionary() throws {
        let p = try params(["REQUEST_METHOD=GET", "JUNK", "HTTP_X=1", "HTTP_X=2", "EMPTY=", "A=b=c", "HTTP_X_Y=z"])
        #expect(p["REQUEST_METHOD"] == "GET")
        #expect(p["HTTP_X"] == "2")
        #expect(p["EMPTY"] == "")
        #expect(p["A"] == "b=c")
        #expect(p["JUNK"] == nil && p["HTTP"] == nil && p["REQUEST_METHO"] == nil && p["request_method"] == nil)
        #expect(p.count == 6)
        let fromDictionary = FastCGIParams(["HTTP_COOKIE": "a=1", "REQUEST_URI": "/x?y"])
        #expect(fromDictionary["HTTP_COOKIE"] == "a=1" && fromDictionary["REQUEST_URI"] == "/x?y")
    }

    /// The count cap is on names: a name repeated past the cap is still one name, while the
    /// cap's worth of different names refuses the next entry, repeated or not.
    @Test func theCountCapCountsNames() throws {
        let max = FastCGIRequest.maxParamsCount
        let repeated = try params((0...(max + 50)).map { "HTTP_X=\($0)" } + ["HTTP_Y=1"])
        #expect(repeated["HTTP_X"] == String(max + 50) && repeated["HTTP_Y"] == "1")
        var names = (0..<(max - 1)).map { "H\($0)=1" }
        names += ["H0=2", "H1=3", "LAST=1"]
        let atCap = try params(names)
        #expect(atCap["LAST"] == "1" && atCap["H0"] == "2")
        #expect(throws: FastCGIError.paramsTooLarge(limit: FastCGIRequest.maxParamsBytes)) {
            try params(names + ["H2=again"])
        }
    }
}
