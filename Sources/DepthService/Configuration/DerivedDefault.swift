/// A default computed from the machine or from other settings rather than fixed: the computation
/// and the words `depthd serve --help` and docs/configuration.md use for it, held side by side so
/// that they cannot drift apart. ``ServiceConfiguration`` defines one per such setting, beside the
/// reasons for it; the setting's row in the ``Setting`` table names it.
struct DerivedDefault<Value>: Sendable {
    /// The rule as an operator reads it, e.g. `max(1, cores / workers)`.
    let rule: String
    /// Whether the value changes with the core count, so that `--help` also states what it comes
    /// to on the machine it runs on.
    let dependsOnCores: Bool
    /// The value for a machine with `cores` cores (at least 1), given the settings resolved so far
    /// (the ones before this one in the table, and every explicit one).
    let value: @Sendable (_ cores: Int, _ configuration: ServiceConfiguration) -> Value
}
