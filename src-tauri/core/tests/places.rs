//! Where persons are counted and found by place, read from derived state that the apply
//! keeps up to date: the sample's counts and filters, and a place moved in the tree.

mod common;

use common::{person, Net};
use nansen_core::api::{ListQuery, Page, PersonQuery, PersonSummary};
use nansen_core::domain::Kind;
use nansen_core::Nansen;
use serde_json::json;
use uuid::Uuid;

fn ids<T>(page: &Page<T>, id: impl Fn(&T) -> String) -> Vec<String> {
    page.items.iter().map(id).collect()
}

fn persons(n: &Nansen, q: PersonQuery) -> Page<PersonSummary> {
    n.person_list(&q).unwrap()
}

/// The record labelled `label`, found by searching for `q`.
fn find(n: &Nansen, kind: Kind, q: &str, label: &str) -> Uuid {
    let page = n
        .list(
            kind,
            &ListQuery {
                q: Some(q.into()),
                ..Default::default()
            },
        )
        .unwrap();
    let found: Vec<_> = page.items.iter().filter(|r| r.label == label).collect();
    assert_eq!(found.len(), 1, "{q}: {:?}", ids(&page, |r| r.label.clone()));
    found[0].id.parse().unwrap()
}

#[test]
fn the_sample_counted_and_filtered_by_status_and_place() {
    let mut net = Net::new(0);
    let hq = &mut net.hq;
    hq.load_demo().unwrap();
    // "Ош" finds Osh and the Osh detention centre, by their Russian aliases.
    let osh = find(hq, Kind::Location, "Ош", "Osh");
    assert_ne!(osh, find(hq, Kind::Location, "Ош", "Osh detention centre"));
    let kyrgyzstan = find(hq, Kind::Location, "Kyrgyzstan", "Kyrgyzstan");
    let taken = find(
        hq,
        Kind::Group,
        "29 taken",
        "29 taken to the Osh detention centre",
    );

    // Twelve of the 29 are identified; their group is at risk in the Osh centre, so
    // they count in Osh and in Kyrgyzstan, which contains it.
    let in_osh = hq.person_counts(Some(osh)).unwrap();
    assert_eq!(in_osh.get("at_risk"), Some(&12), "{in_osh:?}");
    let in_kg = hq.person_counts(Some(kyrgyzstan)).unwrap();
    assert_eq!(in_kg.get("at_risk"), Some(&15), "{in_kg:?}");
    let everywhere = hq.person_counts(None).unwrap();
    assert_eq!(
        everywhere.values().sum::<u64>(),
        hq.info().unwrap().records["persons"]
    );

    let page = persons(
        hq,
        PersonQuery {
            status: Some("at_risk".into()),
            location: Some(osh.to_string()),
            limit: Some(5),
            ..Default::default()
        },
    );
    assert_eq!(
        (page.items.len(), page.total, page.total_capped),
        (5, 12, false)
    );
    assert!(page.next.is_some());
    assert!(page
        .items
        .iter()
        .all(|p| p.location_label.as_deref() == Some("Osh detention centre")));

    let group = hq.group_page(taken).unwrap();
    assert_eq!((group.identified, group.asserted_count), (12, Some(29)));
    assert_eq!(group.members.total, 12);

    // A member leaves the group: the counts and the group page follow at once.
    let leaving: Uuid = group.members.items[0].id.parse().unwrap();
    hq.edit(
        Kind::Group,
        taken,
        &json!({"remove": {"members": [{"person": leaving}]}}),
    )
    .unwrap();
    assert_eq!(
        hq.person_counts(Some(osh)).unwrap().get("at_risk"),
        Some(&11)
    );
    assert_eq!(hq.group_page(taken).unwrap().identified, 11);
    assert!(hq.person_page(leaving).unwrap().protection.is_none());
}

/// A place moved under another takes its persons along: counted in their new places
/// and found by them, as a rebuild has it (the state-machine proptest found a store
/// that kept counting them where the place had been).
#[test]
fn moving_a_place_moves_the_persons_counted_in_it() {
    let mut net = Net::new(0);
    let hq = &mut net.hq;
    let mut place = |name: &str, parent: Option<Uuid>| {
        hq.add(
            Kind::Location,
            &json!({"name": name, "type": "camp", "parent": parent}),
        )
        .unwrap()
    };
    let (country, region) = (place("Kyrgyzstan", None), place("Osh region", None));
    let camp = place("Camp", Some(region));
    let p = person(hq, "Aziz Karimov", "uz-Latn");
    hq.add(
        Kind::Status,
        &json!({"person": p, "type": "protection", "value": "detained", "effective": "2005-06", "location": camp}),
    )
    .unwrap();
    assert!(hq.person_counts(Some(country)).unwrap().is_empty());

    hq.edit(Kind::Location, region, &json!({"parent": country}))
        .unwrap();
    assert_eq!(
        hq.person_counts(Some(country)).unwrap().get("detained"),
        Some(&1)
    );
    let found = persons(
        hq,
        PersonQuery {
            q: Some("aziz".into()),
            location: Some(country.to_string()),
            ..Default::default()
        },
    );
    assert_eq!(ids(&found, |p| p.id.clone()), [p.to_string()]);
    let incremental = common::derived_dump(hq);
    hq.rebuild().unwrap();
    assert_eq!(common::derived_dump(hq), incremental);

    // Out of the country again.
    hq.edit(Kind::Location, region, &json!({"parent": null}))
        .unwrap();
    assert!(hq.person_counts(Some(country)).unwrap().is_empty());
    assert_eq!(
        hq.person_counts(Some(region)).unwrap().get("detained"),
        Some(&1)
    );
}
