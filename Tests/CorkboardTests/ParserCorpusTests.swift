import Foundation
import Testing
@testable import Corkboard

/// Every kept fuzz input (the seeds in Tests/Fuzz/corpus and each crash the fuzzer found, in
/// Tests/Fuzz/regressions) replayed through the same `ParserProbe` entry points `make fuzz`
/// drives, so a fixed parser defect stays fixed without the sanitizer build.
@Suite struct ParserCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The kept inputs of `target` in `folder` ("corpus" or "regressions"), by file name.
    static func inputs(_ folder: String, _ target: ParserProbe.Target) throws -> [(String, [UInt8])] {
        let dir = root.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return try names.sorted().filter { !$0.hasPrefix(".") }.map { name in
            (name, Array(try Data(contentsOf: dir.appendingPathComponent(name))))
        }
    }

    @Test(arguments: ParserProbe.Target.allCases)
    func replay(_ target: ParserProbe.Target) throws {
        let seeds = try Self.inputs("corpus", target)
        #expect(seeds.count >= 3, "Tests/Fuzz/corpus/\(target.rawValue) has lost its seeds")
        for (folder, kept) in [("corpus", seeds), ("regressions", try Self.inputs("regressions", target))] {
            for (name, bytes) in kept {
                do {
                    try ParserProbe.run(target, bytes)
                } catch {
                    Issue.record("\(folder)/\(target.rawValue)/\(name): \(error.description)")
                }
            }
        }
    }

    /// The probes themselves must catch what they claim to: a broken property is reported, not
    /// passed over (else a replay that finds nothing proves nothing).
    @Test func probesReportBrokenProperties() {
        #expect(throws: ParserProbe.Failure.self) { try ParserProbe.check(false, "broken") }
        // A body that parses differently in chunks than whole would be a failure: the multipart
        // target compares both, so a well-formed body must pass and yield its part.
        let body = "\u{0}multipart/form-data; boundary=XyZ\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ--\r\n"
        #expect(throws: Never.self) { try ParserProbe.run(.multipart, Array(body.utf8)) }
    }
}
