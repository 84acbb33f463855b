import Foundation

/// One row of the ``Setting`` table: how a setting is named, explained, read from text, written
/// back as text, checked and defaulted, bound to its property of ``ServiceConfiguration`` by a key
/// path. Made by the constructors below, one per kind of value.
struct SettingDefinition {
    let environmentVariable: String
    /// The flag without its dashes; nil for the setting's name in kebab case.
    let flag: String?
    /// What the setting means, without its default (``Setting/usage(coreCount:executablePath:)`` adds that).
    let help: String
    /// Reads a value (already trimmed) into the configuration; throws ``SettingValueError``.
    let read: (String, inout ServiceConfiguration) throws -> Void
    /// The effective value, written the way the flag or variable takes it.
    let write: (ServiceConfiguration) -> String
    /// What was expected when the effective value is out of range; nil when it is in range.
    let check: (ServiceConfiguration) -> String?
    /// Whether messages quote the value (free text, which may hold spaces).
    let quotesValue: Bool
    /// A derived default's rule and whether it depends on the cores; nil for a fixed default (the
    /// property's initial value in ServiceConfiguration.swift, which `--help` prints as written).
    var derivedRule: (rule: String, dependsOnCores: Bool)? = nil
    /// Sets the property to its derived default for `cores` cores (at least 1); nil for a fixed default.
    var derive: ((_ cores: Int, inout ServiceConfiguration) -> Void)? = nil
    /// What `--help` adds after the default value, given the default configuration and the path of
    /// the running executable (where the default model is looked for); nil for nothing.
    var defaultNote: ((_ defaults: ServiceConfiguration, _ executablePath: String) -> String)? = nil

    /// The same row with its default derived by `derived` rather than fixed.
    private func deriving<Value>(_ key: WritableKeyPath<ServiceConfiguration, Value>,
                                 _ derived: DerivedDefault<Value>?) -> SettingDefinition {
        guard let derived else { return self }
        var row = self
        row.derivedRule = (derived.rule, derived.dependsOnCores)
        row.derive = { cores, configuration in configuration[keyPath: key] = derived.value(cores, configuration) }
        return row
    }

    /// A whole number in `valid`.
    static func integer(_ key: WritableKeyPath<ServiceConfiguration, Int>, _ variable: String, flag: String? = nil,
                        help: String, default derived: DerivedDefault<Int>? = nil,
                        valid: ClosedRange<Int>, _ expected: String) -> SettingDefinition {
        SettingDefinition(
            environmentVariable: variable, flag: flag, help: help,
            read: { text, configuration in
                guard let value = Int(text) else { throw SettingValueError(expected: "expected a whole number") }
                configuration[keyPath: key] = value
            },
            write: { String($0[keyPath: key]) },
            check: { valid.contains($0[keyPath: key]) ? nil : expected },
            quotesValue: false
        ).deriving(key, derived)
    }

    /// The unit a duration setting is written in.
    enum DurationUnit {
        case seconds, milliseconds

        /// Seconds in one unit, and units in one second.
        var seconds: Double { self == .seconds ? 1 : 1e-3 }
        var perSecond: Double { self == .seconds ? 1 : 1000 }
        var name: String { self == .seconds ? "seconds" : "milliseconds" }
    }

    /// A non-negative decimal number of `unit`s ("2.5"), at most a day, for which `valid` holds.
    static func duration(_ key: WritableKeyPath<ServiceConfiguration, Duration>, _ variable: String, flag: String? = nil,
                         unit: DurationUnit = .seconds, help: String,
                         valid: @escaping (Duration) -> Bool, _ expected: String) -> SettingDefinition {
        SettingDefinition(
            environmentVariable: variable, flag: flag, help: help,
            read: { text, configuration in
                guard let value = Double(text), value.isFinite, value >= 0, value * unit.seconds <= 86_400 else {
                    throw SettingValueError(expected: "expected a number of \(unit.name)")
                }
                configuration[keyPath: key] = .nanoseconds(Int64((value * unit.seconds * 1e9).rounded()))
            },
            write: { configuration in
                let value = configuration[keyPath: key].seconds * unit.perSecond
                return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            },
            check: { valid($0[keyPath: key]) ? nil : expected },
            quotesValue: false)
    }

    /// A timeout in seconds: more than 0, at most an hour.
    static func timeout(_ key: WritableKeyPath<ServiceConfiguration, Duration>, _ variable: String, flag: String,
                        help: String) -> SettingDefinition {
        duration(key, variable, flag: flag, help: help, valid: { $0 > .zero && $0 <= .seconds(3600) },
                 "expected more than 0 and at most 3600 seconds")
    }

    /// Free text for which `valid` holds.
    static func text(_ key: WritableKeyPath<ServiceConfiguration, String>, _ variable: String, flag: String? = nil,
                     help: String, valid: @escaping (String) -> Bool, _ expected: String) -> SettingDefinition {
        SettingDefinition(
            environmentVariable: variable, flag: flag, help: help,
            read: { text, configuration in configuration[keyPath: key] = text },
            write: { $0[keyPath: key] },
            check: { valid($0[keyPath: key]) ? nil : expected },
            quotesValue: true)
    }

    /// A file path: any text but the empty one. `defaultNote` says where the default is looked for.
    static func path(_ key: WritableKeyPath<ServiceConfiguration, String>, _ variable: String, flag: String? = nil,
                     help: String,
                     defaultNote: ((ServiceConfiguration, String) -> String)? = nil) -> SettingDefinition {
        SettingDefinition(
            environmentVariable: variable, flag: flag, help: help,
            read: { text, configuration in
                guard !text.isEmpty else { throw SettingValueError(expected: "expected a file path") }
                configuration[keyPath: key] = text
            },
            write: { $0[keyPath: key] },
            check: { _ in nil },
            quotesValue: true,
            defaultNote: defaultNote)
    }

    /// On or off: 1/true/yes/on or 0/false/no/off (any case), written 1 or 0.
    static func toggle(_ key: WritableKeyPath<ServiceConfiguration, Bool>, _ variable: String, flag: String? = nil,
                       help: String, default derived: DerivedDefault<Bool>? = nil) -> SettingDefinition {
        SettingDefinition(
            environmentVariable: variable, flag: flag, help: help,
            read: { text, configuration in
                switch text.lowercased() {
                case "1", "true", "yes", "on": configuration[keyPath: key] = true
                case "0", "false", "no", "off": configuration[keyPath: key] = false
                default: throw SettingValueError(expected: "expected 1 or 0")
                }
            },
            write: { $0[keyPath: key] ? "1" : "0" },
            check: { _ in nil },
            quotesValue: false
        ).deriving(key, derived)
    }

    /// One of the raw values of `Value` (any case).
    static func choice<Value: RawRepresentable & CaseIterable>(
        _ key: WritableKeyPath<ServiceConfiguration, Value>, _ variable: String, flag: String? = nil,
        help: String, _ expected: String
    ) -> SettingDefinition where Value.RawValue == String {
        SettingDefinition(
            environmentVariable: variable, flag: flag, help: help,
            read: { text, configuration in
                guard let value = Value(rawValue: text.lowercased()) else { throw SettingValueError(expected: expected) }
                configuration[keyPath: key] = value
            },
            write: { $0[keyPath: key].rawValue },
            check: { _ in nil },
            quotesValue: false)
    }
}
