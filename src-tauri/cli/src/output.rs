//! Printing results: human-readable text, or JSON with `--json`.

use indicatif::{ProgressBar, ProgressStyle};
use nansen_core::api::{DuplicateCheck, Page, Progress};
use nansen_core::{Error, ErrorBody, Nansen, Result};
use serde::Serialize;
use std::io::IsTerminal;

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

    /// A bar on stderr, only for a person watching: never with `--json` or when
    /// redirected.
    pub fn progress_bar(&self, len: u64) -> Option<ProgressBar> {
        if self.json || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::new(len);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(bar)
    }

    /// Checks the persons written in bulk and not yet checked for duplicates, with a bar.
    pub fn check_duplicates(&self, n: &mut Nansen) -> Result<DuplicateCheck> {
        let bar = self.progress_bar(1);
        if let Some(b) = &bar {
            b.set_message("checked for possible duplicates");
        }
        let check = n.check_duplicates(None, &mut |p: Progress| {
            if let Some(b) = &bar {
                b.set_length(p.total.max(1));
                b.set_position(p.done);
            }
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        check
    }

    pub fn error(&self, e: &Error) {
        if self.json {
            let body = ErrorBody::from(e);
            println!("{}", serde_json::json!({ "error": body }));
        }
        eprintln!("error: {e}");
    }
}

impl Out {
    /// Prints one page of a list: its rows, then how many there are and how to get
    /// the next page.
    pub fn page<T: Serialize>(&self, page: &Page<T>, line: impl Fn(&T) -> String) {
        self.show(page, || {
            let mut s: Vec<String> = page.items.iter().map(line).collect();
            let total = if page.total_capped {
                format!("{} or more", page.total)
            } else {
                page.total.to_string()
            };
            s.push(match &page.next {
                Some(next) => format!(
                    "({} of {total} shown; next page: --after {next})",
                    page.items.len()
                ),
                None if page.items.is_empty() => format!("(none of {total})"),
                None => format!("({} of {total} shown, the last page)", page.items.len()),
            });
            s.join("\n")
        });
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
