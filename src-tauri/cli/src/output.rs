//! Printing results: human-readable text, or JSON with `--json`.

use nansen_core::{Error, ErrorBody};
use serde::Serialize;

pub struct Out {
    pub json: bool,
}

impl Out {
    /// Prints `value` as JSON with `--json`, or the human text otherwise.
    pub fn show<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(value).expect("serialisable")
            );
        } else {
            let text = human();
            if !text.is_empty() {
                println!("{}", text.trim_end());
            }
        }
    }

    pub fn error(&self, e: &Error) {
        if self.json {
            let body = ErrorBody::from(e);
            println!("{}", serde_json::json!({ "error": body }));
        }
        eprintln!("error: {e}");
    }
}

pub fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Object(o) if o.contains_key("text") => format!(
            "{} [{}]",
            o["text"].as_str().unwrap_or_default(),
            o.get("lang").and_then(|l| l.as_str()).unwrap_or("und")
        ),
        other => other.to_string(),
    }
}
