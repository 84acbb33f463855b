import Foundation

/// The start-up report of the settings: each one's effective value and where it came from,
/// written as its flag or variable takes it (from the ``Setting`` table).
extension ServiceConfiguration {
    /// The effective value of `setting`, written the way its flag or variable takes it
    /// (durations in the setting's unit: seconds, or milliseconds for the batch wait).
    public func value(of setting: Setting) -> String {
        setting.definition.write(self)
    }

    /// Every setting's variable, effective value and origin, in the table's order:
    /// (`port`, `8080`, `--port`), (`workers`, `1`, `default`).
    public var effectiveSettings: [(setting: Setting, value: String, origin: String)] {
        Setting.allCases.map { ($0, value(of: $0), origins[$0] ?? "default") }
    }

    /// The report as the one line `depthd serve` logs at start-up, in the table's order:
    /// `DEPTHD_HOST=0.0.0.0 DEPTHD_PORT=9000(--port) ...` (the origin only when not the default).
    public var settingsReport: String {
        effectiveSettings.map { entry in
            "\(entry.setting.environmentVariable)=\(entry.value)" + (entry.origin == "default" ? "" : "(\(entry.origin))")
        }.joined(separator: " ")
    }
}
