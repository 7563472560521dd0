//! Every message the core can show a person, gathered from each module's catalog:
//! what the UI's locales must cover (a test checks every language).

use crate::error::Entry;

/// All messages, in a fixed order. Reasons are unique (a test checks it).
pub fn catalog() -> Vec<Entry> {
    [
        crate::error::messages::ALL,
        crate::date::messages::ALL,
        crate::domain::messages::ALL,
        crate::store::messages::ALL,
        crate::oplog::messages::ALL,
        crate::intake::messages::ALL,
        crate::report::messages::ALL,
        crate::export::messages::ALL,
        crate::trust::messages::ALL,
        crate::sync::messages::ALL,
        super::messages::ALL,
    ]
    .concat()
}

/// The catalog as i18next resources: `{reason: "English with {{param}}"}`, what the UI
/// shows when no translation is given (`ui/src/lib/locales/errors/en.json`).
pub fn english_resources() -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for e in catalog() {
        let mut text = e.english.to_string();
        for p in e.params {
            text = text.replace(&format!("{{{p}}}"), &format!("{{{{{p}}}}}"));
        }
        out.insert(e.reason.to_string(), serde_json::Value::String(text));
    }
    serde_json::Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The `{name}` (core) or `{{name}}` (i18next) placeholders of a template.
    fn placeholders(text: &str, double: bool) -> BTreeSet<String> {
        let (open, close) = if double { ("{{", "}}") } else { ("{", "}") };
        let mut out = BTreeSet::new();
        let mut rest = text;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + open.len()..];
            let Some(j) = after.find(close) else { break };
            let name = &after[..j];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.insert(name.to_string());
            }
            rest = &after[j..];
        }
        out
    }

    #[test]
    fn reasons_are_unique_and_each_template_uses_exactly_its_parameters() {
        let all = catalog();
        let mut seen = BTreeSet::new();
        for e in &all {
            assert!(
                seen.insert(e.reason),
                "the reason '{}' is declared twice",
                e.reason
            );
            let declared: BTreeSet<String> = e.params.iter().map(|p| p.to_string()).collect();
            assert_eq!(
                placeholders(e.english, false),
                declared,
                "the English of '{}' and its parameters",
                e.reason
            );
        }
        assert!(all.len() > 150, "{} messages", all.len());
    }

    /// The UI ships exactly the languages the core labels in (en, ru, uz, ky), and every
    /// one of them (`ui/src/lib/locales/<lang>.json`) has every message
    /// (`ui/src/lib/locales/errors/<lang>.json`), using only the message's parameters;
    /// English is exactly what the core generates.
    #[test]
    fn every_language_of_the_ui_has_every_message() {
        let locales = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/locales");
        let mut languages = Vec::new();
        for entry in std::fs::read_dir(&locales).expect("the UI's locales") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                languages.push(path.file_stem().unwrap().to_string_lossy().to_string());
            }
        }
        languages.sort();
        let mut spoken: Vec<String> = crate::domain::vocab::LANGUAGES
            .iter()
            .map(|l| l.to_string())
            .collect();
        spoken.sort();
        assert_eq!(
            languages, spoken,
            "the UI's locales and the languages the core labels in (domain::vocab::LANGUAGES)"
        );
        let read = |lang: &str| -> serde_json::Map<String, serde_json::Value> {
            let path = locales.join("errors").join(format!("{lang}.json"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        let english = english_resources();
        assert_eq!(
            serde_json::Value::Object(read("en")),
            english,
            "locales/errors/en.json is stale: run `make generate`"
        );
        for lang in &languages {
            let messages = read(lang);
            for e in catalog() {
                let text = messages
                    .get(e.reason)
                    .and_then(|v| v.as_str())
                    .unwrap_or_else(|| panic!("locales/errors/{lang}.json lacks '{}'", e.reason));
                let used = placeholders(text, true);
                let declared: BTreeSet<String> = e.params.iter().map(|p| p.to_string()).collect();
                assert!(
                    used.is_subset(&declared),
                    "locales/errors/{lang}.json: '{}' uses {used:?}, but the message has only {declared:?}",
                    e.reason
                );
            }
            let extra: Vec<&String> = messages
                .keys()
                .filter(|k| !catalog().iter().any(|e| e.reason == k.as_str()))
                .collect();
            assert!(
                extra.is_empty(),
                "locales/errors/{lang}.json has unknown reasons {extra:?}"
            );
        }
    }
}
