//! Reports at headquarters' scale, printed (not asserted): `cargo bench -p nansen-core
//! --bench reports` (`make bench-reports`).
//!
//! A store of 100 000 persons (`NANSEN_BENCH_PERSONS`) brought in by spreadsheet
//! intake; groups of 50 at places in a three-level tree, each with a dated detention
//! and a status; an intervention with a due date for every tenth group. It prints:
//!
//! | what                                              | goal              |
//! |---------------------------------------------------|-------------------|
//! | the dashboard after unlock (every figure it shows) | < 200 ms          |
//! | one level of the place tree, a figure's list      | (a click)         |
//! | the situation summary, now and as of a day        | (a report)        |
//! | an urgent-action sheet (PDF) of a person, a group | (a report)        |

/// What the `nansen` binary and the app allocate with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use nansen_core::api::{CountedQuery, InitOptions, PersonQuery};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::Nansen;
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

const PASS: &str = "benchmark passphrase";
const STATUSES: [&str; 4] = ["detained", "at_risk", "in_camp", "whereabouts_unknown"];
const FIRST: [(&str, &str); 8] = [
    ("Азиз", "Aziz"),
    ("Дилшод", "Dilshod"),
    ("Жамшид", "Jamshid"),
    ("Гулнора", "Gulnora"),
    ("Малика", "Malika"),
    ("Отабек", "Otabek"),
    ("Зарина", "Zarina"),
    ("Улуғбек", "Ulug‘bek"),
];
const LAST: [(&str, &str); 8] = [
    ("Каримов", "Karimov"),
    ("Юсупов", "Yusupov"),
    ("Абдуллаев", "Abdullayev"),
    ("Раҳимов", "Rahimov"),
    ("Турсунов", "Tursunov"),
    ("Исмоилов", "Ismoilov"),
    ("Назаров", "Nazarov"),
    ("Ғуломов", "G‘ulomov"),
];

fn ms(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `f` five times; (median, max) in ms.
fn timed(mut f: impl FnMut()) -> (f64, f64) {
    let v: Vec<f64> = (0..5).map(|_| ms(&mut f)).collect();
    let max = v.iter().copied().fold(0.0, f64::max);
    (median(v), max)
}

fn intake(n: &mut Nansen, dir: &Path, count: u64) {
    let file = dir.join("persons.csv");
    let mut text = String::from("Имя,Alias,Пол,Дата рождения\n");
    for i in 0..count as usize {
        let (f, fl) = FIRST[i % FIRST.len()];
        let (l, ll) = LAST[(i / FIRST.len()) % LAST.len()];
        writeln!(
            text,
            "{f} {l} {i},{fl} {ll} {i}@uz-Latn,{},{}~",
            if i.is_multiple_of(2) {
                "male"
            } else {
                "female"
            },
            1950 + i % 50
        )
        .unwrap();
    }
    std::fs::write(&file, text).unwrap();
    let report = n.intake_persons(&file, None, &mut |_| {}).unwrap();
    assert_eq!(report.imported, count);
}

/// 3 countries, 4 regions each, 10 camps or centres in each region: the leaves.
fn places(n: &mut Nansen) -> Vec<uuid::Uuid> {
    let mut leaves = Vec::new();
    for c in 0..3 {
        let country = n
            .add(
                Kind::Location,
                &json!({"name": format!("Country {c}"), "type": "country"}),
            )
            .unwrap();
        for r in 0..4 {
            let region = n
                .add(Kind::Location, &json!({"name": format!("Region {c}.{r}"), "type": "region", "parent": country}))
                .unwrap();
            for k in 0..10 {
                leaves.push(
                    n.add(Kind::Location, &json!({"name": format!("Camp {c}.{r}.{k}"), "type": "camp", "parent": region}))
                        .unwrap(),
                );
            }
        }
    }
    leaves
}

/// Groups of 50 with a detention, a status and (every tenth) an intervention.
fn groups(n: &mut Nansen, leaves: &[uuid::Uuid]) -> (uuid::Uuid, uuid::Uuid) {
    let ids: Vec<String> = {
        let mut stmt = n
            .conn()
            .prepare("SELECT id FROM person ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let authority = n
        .add(
            Kind::Actor,
            &json!({"name": "Border service", "type": "state_authority"}),
        )
        .unwrap();
    let source = n
        .add(Kind::Source, &json!({"type": "ngo_report", "title": "Monthly report", "reliability": "usually_reliable"}))
        .unwrap();
    let mut first = None;
    for (g, chunk) in ids.chunks(50).enumerate() {
        let place = leaves[g % leaves.len()];
        let members: Vec<_> = chunk.iter().map(|p| json!({"person": p})).collect();
        let month = 1 + g % 12;
        let group = n
            .add(
                Kind::Group,
                &json!({"name": format!("Group {g}"), "asserted_count": 60, "members": members,
                 "sources": [{"source": source}]}),
            )
            .unwrap();
        let event = n
            .add(Kind::Event, &json!({"type": "detention", "title": format!("Detention {g}"), "date": format!("2005-{month:02}"),
                 "location": place, "involvements": [{"role": "victim", "group": group}, {"role": "perpetrator", "actor": authority}],
                 "sources": [{"source": source}]}))
            .unwrap();
        n.add(
            Kind::Status,
            &json!({"group": group, "type": "protection", "value": STATUSES[g % STATUSES.len()],
                 "effective": format!("2005-{month:02}-15"), "location": place, "event": event}),
        )
        .unwrap();
        if g % 10 == 0 {
            n.add(Kind::Intervention, &json!({"type": "urgent_action", "title": format!("Appeal for group {g}"),
                 "target": authority, "date": format!("2005-{month:02}-20"), "due": format!("2005-{month:02}-28"),
                 "status": "sent", "concerns": [{"group": group}]}))
                .unwrap();
        }
        first.get_or_insert((chunk[0].parse().unwrap(), group));
    }
    first.unwrap()
}

fn main() {
    let persons: u64 = std::env::var("NANSEN_BENCH_PERSONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hq");
    let t = Instant::now();
    let mut n = Nansen::init(
        &dir,
        InitOptions {
            office: "HQ".into(),
            user: "bench".into(),
            passphrase: PASS.into(),
            hq: true,
            kdf: KdfProfile::Test,
        },
    )
    .unwrap();
    intake(&mut n, tmp.path(), persons);
    let leaves = places(&mut n);
    let (person, group) = groups(&mut n, &leaves);
    println!(
        "built a store of {persons} persons in {:.0} s",
        t.elapsed().as_secs_f64()
    );

    // After unlock: the store just opened (key derivation apart), the dashboard's call.
    drop(n);
    let n = Nansen::open(&dir, PASS).unwrap();
    let mut first = None;
    let cold = ms(|| first = Some(n.dashboard().unwrap()));
    let d = first.unwrap();
    assert_eq!(
        d.persons,
        n.person_list(&PersonQuery::default()).unwrap().total
    );
    let (warm, warm_max) = timed(|| drop(n.dashboard().unwrap()));
    println!(
        "dashboard after unlock at {persons} persons: {cold:.1} ms the first time, then median {warm:.1} ms, max {warm_max:.1} ms (goal < 200 ms)"
    );
    println!(
        "  it shows: {} persons in {} statuses, {} top-level places, {} new this month, {} event types over {} months, {} overdue",
        d.persons,
        d.by_status.len(),
        d.places.places.len(),
        d.new_persons.last().map(|m| m.n).unwrap_or(0),
        d.events.series.len(),
        d.events.months.len(),
        d.deadlines.overdue
    );
    let parent: uuid::Uuid = d.places.places[0].id.parse().unwrap();
    let (places_ms, _) = timed(|| drop(n.dashboard_places(Some(parent)).unwrap()));
    let month = d.new_persons.last().unwrap().month.clone();
    let (list_ms, _) = timed(|| {
        drop(
            n.dashboard_list(&CountedQuery {
                of: "new_persons".into(),
                month: Some(month.clone()),
                ..Default::default()
            })
            .unwrap(),
        )
    });
    let (events_ms, _) = timed(|| {
        drop(
            n.dashboard_list(&CountedQuery {
                of: "events".into(),
                month: Some("2005-06".into()),
                event_type: Some("detention".into()),
                ..Default::default()
            })
            .unwrap(),
        )
    });
    println!(
        "one level of the place tree {places_ms:.1} ms; a bar's list: persons recorded in a month {list_ms:.1} ms, events of a type in a month {events_ms:.1} ms"
    );

    let mut text = String::new();
    let now = ms(|| text = n.situation(None, "en").unwrap().text);
    let day = nansen_core::report::parse_day("2005-06-30").unwrap();
    let then = ms(|| drop(n.situation(Some(day), "ru").unwrap()));
    println!(
        "situation summary: now {now:.0} ms, as of 2005-06-30 (Russian) {then:.0} ms, {} lines",
        text.lines().count()
    );
    let out = tmp.path().join("ua.pdf");
    let person_ms = ms(|| drop(n.urgent_action_sheet(person, "ru", &out, true).unwrap()));
    let group_ms = ms(|| drop(n.urgent_action_sheet(group, "en", &out, true).unwrap()));
    let (again, _) = timed(|| drop(n.urgent_action_pdf(person, "en").unwrap()));
    println!(
        "urgent-action sheet (PDF): a person {person_ms:.0} ms (fonts loaded once), a group {group_ms:.0} ms, then median {again:.0} ms"
    );
}
