//! The human text of records: list lines, and the pages of `show`.

use crate::output::text;
use nansen_core::api::{GroupPage, PersonPage, PersonSummary, RecordSummary, RecordView};

fn count_or_unknown(count: Option<i64>) -> String {
    count.map(|c| c.to_string()).unwrap_or_else(|| "?".into())
}

pub fn person_line(p: &PersonSummary) -> String {
    let status = p
        .protection
        .as_ref()
        .map(|s| format!("{}{}", s.value, if s.imminent { " (imminent)" } else { "" }))
        .unwrap_or_else(|| "—".into());
    format!(
        "{}  {}  {}  {}{}",
        p.id,
        p.label,
        status,
        p.location_label.as_deref().unwrap_or_default(),
        if p.in_conflict { "  [conflict]" } else { "" }
    ) + &if p.merged > 0 {
        format!("  [{} records merged]", p.merged + 1)
    } else {
        String::new()
    }
}

pub fn record_line(r: &RecordSummary) -> String {
    format!(
        "{}  {}{}{}",
        r.id,
        r.label,
        if r.deleted { "  [deleted]" } else { "" },
        if r.in_conflict { "  [conflict]" } else { "" }
    )
}

pub fn record(v: &RecordView) -> String {
    let mut s = format!(
        "{} {}  {}{}\n",
        v.kind,
        v.id,
        v.label,
        if v.deleted { "  [deleted]" } else { "" }
    );
    for (k, val) in &v.fields {
        // A field that refers to another record gets that record's label too.
        let label = val
            .as_str()
            .and_then(|id| v.refs.get(id))
            .map(|r| format!("  ({})", r.label))
            .unwrap_or_default();
        s.push_str(&format!("  {k}: {}{label}\n", text(val)));
    }
    for (link, elems) in &v.links {
        for e in elems {
            s.push_str(&format!("  {link}: {e}\n"));
        }
    }
    for (field, values) in &v.conflicts {
        s.push_str(&format!("  CONFLICT on {field}:\n"));
        for lv in values {
            s.push_str(&format!(
                "    {} by {} ({}) at {}  [{}]{}\n",
                text(&lv.value),
                lv.author,
                lv.office.as_deref().unwrap_or_default(),
                lv.at,
                lv.value_id,
                if lv.shown { "  (shown)" } else { "" }
            ));
        }
    }
    s
}

pub fn person(p: &PersonPage) -> String {
    let mut s = record(&p.record);
    if let Some(c) = &p.cluster {
        s.push_str(&format!(
            "the same person as recorded {} times:\n",
            c.members.len()
        ));
        for m in &c.members {
            let by = m
                .created
                .as_ref()
                .map(|c| format!(" (by {}, {})", c.author, c.office.as_deref().unwrap_or("?")))
                .unwrap_or_default();
            s.push_str(&format!("  member {}  {}{by}\n", m.id, m.label));
        }
        for d in &c.differing {
            s.push_str(&format!("  DIFFERS on {}:\n", d.field));
            for v in &d.values {
                s.push_str(&format!(
                    "    {}: {}\n",
                    v.person,
                    crate::output::text(&v.value)
                ));
            }
        }
    }
    if let Some(st) = &p.protection {
        s.push_str(&format!(
            "current status: {}{}{}\n",
            st.value,
            if st.imminent { " (imminent)" } else { "" },
            st.location
                .as_ref()
                .and_then(|l| p.labels.get(l))
                .map(|l| format!(" at {}", l.label))
                .unwrap_or_default()
        ));
    }
    if let Some(st) = &p.refugee {
        s.push_str(&format!("UNHCR status: {}\n", st.value));
    }
    for g in &p.groups {
        s.push_str(&format!(
            "group: {} ({} of {} identified)\n",
            g.name,
            g.identified,
            count_or_unknown(g.asserted_count)
        ));
    }
    s.push_str("timeline:\n");
    for t in &p.timeline {
        s.push_str(&format!(
            "  {}  {}  {}{}{}\n",
            t.date.as_deref().unwrap_or("date unknown"),
            t.title,
            t.status_value
                .as_ref()
                .map(|v| format!("→ {v}"))
                .unwrap_or_default(),
            t.location_label
                .as_ref()
                .map(|l| format!(" at {l}"))
                .unwrap_or_default(),
            t.via_group_label
                .as_ref()
                .map(|g| format!(" (via {g})"))
                .unwrap_or_default(),
        ));
    }
    s
}

pub fn group(page: &GroupPage) -> String {
    let mut s = record(&page.record);
    s.push_str(&format!(
        "\nidentified: {} of {}\n",
        page.identified,
        count_or_unknown(page.asserted_count)
    ));
    for m in &page.members.items {
        s.push_str(&format!("  member {}  {}\n", m.id, m.label));
    }
    if page.members.next.is_some() {
        s.push_str(&format!(
            "  … and {} more: nansen person list --group {}\n",
            page.identified - page.members.items.len() as u64,
            page.record.id
        ));
    }
    s
}
