import Corkboard
import Foundation

/// The libFuzzer entry points (built only by `make fuzz`, with `-sanitize=fuzzer,address`):
/// `CB_FUZZ_TARGET` names the `ParserProbe.Target` this run fuzzes, and a property that does not
/// hold is a crash, so libFuzzer keeps and reports the input.
nonisolated(unsafe) private var target: ParserProbe.Target?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let name = ProcessInfo.processInfo.environment["CB_FUZZ_TARGET"] ?? ""
    guard let chosen = ParserProbe.Target(rawValue: name) else {
        let names = ParserProbe.Target.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("CB_FUZZ_TARGET must be one of: \(names)\n".utf8))
        exit(2)
    }
    target = chosen
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target else { return 0 }
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try ParserProbe.run(target, bytes)
    } catch {
        fatalError("\(target.rawValue): \(error.description)")
    }
    return 0
}
