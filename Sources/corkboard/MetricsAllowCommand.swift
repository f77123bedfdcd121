import ArgumentParser
import Corkboard
import Foundation

/// `corkboard metrics-allow`: the config's `metrics_allow` as nginx `allow` lines, for
/// snippets/corkboard-metrics-allow.conf, so nginx admits exactly the peers the application does.
struct MetricsAllowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics-allow",
        abstract: "Print metrics_allow as nginx allow lines (for snippets/corkboard-metrics-allow.conf).",
        discussion: """
            Loopback (127.0.0.1, ::1) is allowed by the site itself; this prints one `allow` line \
            per address or network of metrics_allow (nothing when it is empty). Re-run it and \
            reload nginx whenever metrics_allow changes.
            """)

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (config, _) = options.load(label: "corkboard.metrics-allow")
        print("# Written by `corkboard metrics-allow` from metrics_allow; do not edit by hand.")
        print(config.metrics.allow.nginxRules, terminator: "")
    }
}
