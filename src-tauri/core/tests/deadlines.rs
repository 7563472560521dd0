//! Deadlines: interventions overdue and due soon, on the sample data.

mod common;

use common::exports::*;
use nansen_core::domain::Kind;
use serde_json::json;

#[test]
fn deadlines_list_overdue_and_upcoming_interventions_that_are_not_closed() {
    let (_tmp, mut n) = demo();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let d = n.deadlines_as_of(day("2005-06-20")).unwrap();
    assert_eq!(d.overdue.len(), 1);
    assert_eq!(d.upcoming.len(), 1);
    let unhcr = &d.overdue[0];
    assert!(unhcr.title.starts_with("Ask UNHCR"));
    assert_eq!((unhcr.due_on.as_str(), unhcr.days_left), ("2005-06-18", -2));
    assert_eq!(unhcr.target_label.as_deref(), Some("UNHCR"));
    assert_eq!(unhcr.concerns.len(), 1);
    assert_eq!(
        unhcr.concerns[0].label,
        "29 taken to the Osh detention centre"
    );
    let urgent = &d.upcoming[0];
    assert_eq!(urgent.days_left, 4);
    let labels: Vec<&str> = urgent.concerns.iter().map(|c| c.label.as_str()).collect();
    assert!(
        labels.contains(&"29 taken to the Osh detention centre"),
        "{labels:?}"
    );
    assert_eq!(urgent.concerns.len(), 2, "a group and an event");
    // Closed, it is no one's deadline; a month-precision due date falls due at the
    // month's end.
    n.edit(
        Kind::Intervention,
        unhcr.id.parse().unwrap(),
        &json!({"status": "closed"}),
    )
    .unwrap();
    n.edit(
        Kind::Intervention,
        urgent.id.parse().unwrap(),
        &json!({"due": "2005-07"}),
    )
    .unwrap();
    let d = n.deadlines_as_of(day("2005-06-25")).unwrap();
    assert!(d.overdue.is_empty() && d.upcoming.is_empty(), "{d:?}");
    let d = n.deadlines_as_of(day("2005-07-30")).unwrap();
    assert_eq!(d.upcoming.len(), 1);
    assert_eq!(d.upcoming[0].due_on, "2005-07-31");
    assert_eq!(
        n.deadlines_as_of(day("2005-08-01")).unwrap().overdue.len(),
        1
    );
}
