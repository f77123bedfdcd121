import Foundation
import Testing
@testable import Corkboard

/// Request bodies decoded into types: absent, null and a value are three different things;
/// wrong types, unknown fields and malformed bodies are 400s naming the field.
@Suite struct JSONBodyTests {
    func post(_ json: String) throws -> PostFields { try PostBody.decode(json: Array(json.utf8)).fields() }

    /// The 400 a post body gets; records an issue when it is accepted or fails otherwise.
    func refusal(_ json: String) -> HTTPError? { refusal { _ = try post(json) } }

    func refusal(_ json: String, as body: (some JSONBody).Type) -> HTTPError? {
        refusal { _ = try body.decode(json: Array(json.utf8)) }
    }

    func refusal(_ decode: () throws -> Void) -> HTTPError? {
        do {
            try decode()
            Issue.record("accepted")
        } catch let error as HTTPError {
            #expect(error.status == 400)
            #expect(!error.message.contains("DecodingError") && !error.message.contains("CodingKeys"), "\(error.message)")
            return error
        } catch {
            Issue.record("not an HTTPError: \(error)")
        }
        return nil
    }

    /// Found by schemathesis: `{"": 1}` was "Unknown field ." with an empty `field`.
    @Test func aFieldWithAnEmptyNameIsRefusedAsABadBody() throws {
        let error = refusal(#"{"title":"T","":1}"#)
        #expect(error?.field == "body")
        #expect(error?.message.hasPrefix("The request body has a field with an empty name.") == true, "\(error?.message ?? "")")
    }

    @Test func absentNullAndValueAreDistinct() throws {
        let absent = try post(#"{"title":"T"}"#)
        #expect(absent.title == "T" && absent.description == nil)
        #expect(absent.priceMinor == .absent && absent.neighbourhood == .absent && absent.locationText == .absent)
        #expect(absent.photos == nil)
        let null = try post(#"{"price_minor":null,"neighbourhood":null,"location_text":null,"photos":[]}"#)
        #expect(null.priceMinor == .null && null.neighbourhood == .null && null.locationText == .null)
        #expect(null.photos?.isEmpty == true)
        let value = try post(#"{"price_minor":1250,"neighbourhood":"alfama","location_text":"Near the castle"}"#)
        #expect(value.priceMinor == .set(1250) && value.neighbourhood == .set("alfama") && value.locationText == .set("Near the castle"))
    }

    @Test func patchAppliesToTheStoredValue() {
        #expect(Patch<Int64>.absent.applied(to: 5) == 5)
        #expect(Patch<Int64>.null.applied(to: 5) == nil)
        #expect(Patch<Int64>.set(7).applied(to: 5) == 7)
        #expect(Patch<Int64>(nil) == .null && Patch<Int64>(3) == .set(3))
    }

    @Test func wrongTypesNameTheFieldAndWhatItMustBe() throws {
        for bad in [#"{"price_minor":true}"#, #"{"price_minor":1.5}"#, #"{"price_minor":"12"}"#, #"{"price_minor":1e30}"#,
                    #"{"price_minor":9223372036854775808}"#] {
            let error = refusal(bad)
            #expect(error?.field == "price" && error?.message == "price_minor must be a whole number of minor units of the city's currency (1250 for 12.50, whole won for KRW), or null when free.", "\(bad)")
        }
        #expect(refusal(#"{"title":5}"#)?.message == "title must be a string.")
        #expect(refusal(#"{"title":null}"#)?.field == "title")   // a title cannot be cleared
        #expect(refusal(#"{"location_text":["x"]}"#)?.message == "location_text must be a string, or null for none.")
        let item = refusal(#"{"photos":["ab", 3]}"#)
        #expect(item?.field == "photos" && item?.message == "photos must be an array of photo ids (item 2).")
        #expect(refusal(#"{"photos":null}"#)?.field == "photos")
        #expect(refusal(#"{"photos":["nope"]}"#)?.message == "Photo 1 has an invalid id.")
        #expect(try post(#"{"price_minor":1e3}"#).priceMinor == .set(1000))   // a whole number, however written
    }

    @Test func unknownFieldsAreRefusedWithASuggestion() {
        let typo = refusal(#"{"title":"T","price_minr":5}"#)
        #expect(typo?.field == "price_minr")
        #expect(typo?.message.hasPrefix("Unknown field price_minr. Did you mean price_minor?") == true, "\(typo?.message ?? "")")
        // Another key style is not an alias: priceMinor would otherwise match the Swift name.
        let camel = refusal(#"{"priceMinor":5}"#)
        #expect(camel?.field == "priceMinor" && camel?.message.contains("Did you mean price_minor?") == true)
        #expect(refusal(#"{"id":5}"#)?.message.contains("This request takes title, description") == true)
        #expect(refusal(#"{"Title":"x"}"#)?.field == "Title")
    }

    @Test func malformedBodiesNameTheBody() {
        #expect(refusal("[1, 2]")?.message == "The request body must be a JSON object.")
        #expect(refusal(#""text""#)?.field == "body")
        #expect(refusal(#"{"title": "#)?.message == "The request body is not valid JSON.")
        #expect(refusal("")?.field == "body")
        do {
            _ = try PostBody.decode(json: Array(#"{"title":"a"#.utf8) + [0xFF, 0x22, 0x7D])
            Issue.record("invalid UTF-8 accepted")
        } catch let error as HTTPError {
            #expect(error.field == "body" && error.message.contains("UTF-8"))
        } catch { Issue.record("\(error)") }
    }

    @Test func accountBodiesKeyTheirStringsByWireName() throws {
        typealias Change = StringBody<AccountFields.PasswordChange>
        let body = try Change.decode(json: Array(#"{"current_password":"a","new_password":"b"}"#.utf8))
        #expect(body.values == ["current_password": "a", "new_password": "b"])
        #expect(try StringBody<AccountFields.Credentials>.decode(json: Array(#"{"email":null,"password":"p"}"#.utf8)).values == ["password": "p"])
        #expect(refusal(#"{"current_password":42}"#, as: Change.self)?.message == "current_password must be a string.")
        #expect(refusal(#"{"new_pasword":"x"}"#, as: Change.self)?.message.contains("Did you mean new_password?") == true)
    }

    /// Found against the OpenAPI document: every accounts request took every accounts field, so
    /// `POST /api/login` with a `token` was accepted (and the field ignored).
    @Test func eachAccountsRequestTakesOnlyItsOwnFields() {
        let login = refusal(#"{"email":"a@example.test","password":"p","token":"t"}"#, as: StringBody<AccountFields.Credentials>.self)
        #expect(login?.field == "token")
        #expect(login?.message == "Unknown field token. This request takes email, password.")
        #expect(refusal(#"{"password":"p","email":"a@example.test"}"#, as: StringBody<AccountFields.Password>.self)?.field == "email")
        #expect(refusal(#"{"email":"a@example.test","website":"x","message":"m","phone":"1"}"#, as: StringBody<ContactFields>.self)?.field == "phone")
    }

    @Test func spellingSuggestsOnlyPlausibleTypos() {
        #expect(Spelling.closest(to: "worker", among: ["workers", "backlog"]) == "workers")
        #expect(Spelling.closest(to: "db_pasword", among: ["db_password", "db_user"]) == "db_password")
        #expect(Spelling.closest(to: "colour", among: ["workers", "backlog"]) == nil)
        #expect(Spelling.closest(to: "ab", among: ["xy"]) == nil)
    }
}
