//! Kill -9 at random moments: the real `nansen` process is killed with SIGKILL while it
//! imports, exports, changes the passphrase or rebuilds, and after every kill the store
//! opens, `audit --verify` passes, and its digest (of the records, not of the files) is
//! the one from before the operation or the one from after it.
//!
//! `NANSEN_FAULT_RUNS` is the number of kills in all (50 unless set; spread over the four
//! operations); `NANSEN_FAULT_SEED` replays a run (the same moments are drawn; how far
//! the process got by then still varies a little): every test prints the seed it drew.
//! Each kill lands at a moment drawn uniformly from the time the same command takes when
//! left alone (measured on this machine first), so startup, the work and the commit are
//! all hit.

use nansen_tests::{Org, Store, PASS};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

const NEW_PASS: &str = "lantern orchard velvet river";
const OPERATIONS: usize = 4;
/// Persons added to the office's store on top of the sample data, so that each
/// operation does enough work for a kill to land in the middle of it.
const EXTRA_PERSONS: usize = 600;

/// splitmix64: a tiny seeded generator, so that a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A duration drawn uniformly from [0, max).
    fn below(&mut self, max: Duration) -> Duration {
        let micros = max.as_micros().max(1) as u64;
        Duration::from_micros(self.next() % micros)
    }
}

fn seed() -> u64 {
    match std::env::var("NANSEN_FAULT_SEED") {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("NANSEN_FAULT_SEED must be a number, not {s:?}")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_nanos() as u64,
    }
}

/// How many kills this operation gets out of `NANSEN_FAULT_RUNS` (the first operations
/// take the remainder).
fn runs_for(operation: usize) -> usize {
    let total: usize = std::env::var("NANSEN_FAULT_RUNS")
        .ok()
        .map(|s| {
            s.trim()
                .parse()
                .expect("NANSEN_FAULT_RUNS must be a number")
        })
        .unwrap_or(50);
    total / OPERATIONS + usize::from(operation < total % OPERATIONS)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The stores every operation starts from: headquarters before and after it imported
/// the office's bundle, and the office.
struct Fixture {
    org: Org,
    bundle: String,
    hq_before: String,
    hq_after: String,
    office: String,
}

fn fixture() -> Fixture {
    let org = Org::new(&["Osh"]);
    let osh = &org.offices[0];
    osh.ok(&["demo"]);
    let csv = org.tmp.path().join("files").join("persons.csv");
    let mut rows = String::from("name,alias,sex,birth_date,camp_id\n");
    for i in 0..EXTRA_PERSONS {
        rows.push_str(&format!(
            "Азиз Каримов {i},Aziz Karimov {i}@uz-Latn,male,{},C-{i}\n",
            1950 + i % 50
        ));
    }
    std::fs::write(&csv, rows).unwrap();
    osh.ok(&["person", "import", csv.to_str().unwrap()]);
    let bundle = org.bundle("osh-to-hq");
    osh.ok(&["export", "--for", "HQ", "--out", &bundle]);

    let hq_before = org.hq.digest();
    let done = Store::new(org.tmp.path(), "hq-imported");
    copy_dir(&org.hq.dir, &done.dir);
    done.ok(&["import", &bundle]);
    let hq_after = done.digest();
    assert_ne!(hq_before, hq_after);
    Fixture {
        office: osh.digest(),
        bundle,
        hq_before,
        hq_after,
        org,
    }
}

/// What is killed, on which store, and what the store may hold afterwards.
struct Operation<'a> {
    name: &'static str,
    source: &'a Store,
    args: Vec<String>,
    new_passphrase: bool,
    before: &'a str,
    after: &'a str,
    /// The file the command writes, checked whole or absent after a kill.
    out: Option<PathBuf>,
}

impl Operation<'_> {
    fn spawn(&self, store: &Store) -> Child {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let mut cmd = store.cmd(&args);
        if self.new_passphrase {
            cmd.env("NANSEN_NEW_PASSPHRASE", NEW_PASS);
        }
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start nansen")
    }

    fn fresh_copy(&self, tmp: &Path, run: usize) -> Store {
        let store = Store::new(tmp, &format!("{}-{run}", self.name));
        copy_dir(&self.source.dir, &store.dir);
        if let Some(out) = &self.out {
            let _ = std::fs::remove_file(out);
        }
        store
    }

    /// The time the command takes when nobody kills it.
    fn undisturbed(&self, tmp: &Path) -> Duration {
        let store = self.fresh_copy(tmp, usize::MAX);
        let started = Instant::now();
        let status = self.spawn(&store).wait().unwrap();
        let took = started.elapsed();
        assert!(status.success(), "{} failed when left alone", self.name);
        let pass = if self.new_passphrase { NEW_PASS } else { PASS };
        assert_eq!(digest_with(&store, pass).as_deref(), Ok(self.after));
        std::fs::remove_dir_all(&store.dir).unwrap();
        took
    }
}

/// The store's digest, opened with `passphrase`: Err with nansen's message when it does
/// not open.
fn digest_with(store: &Store, passphrase: &str) -> Result<String, String> {
    let out = store
        .cmd(&["--json", "digest"])
        .env("NANSEN_PASSPHRASE", passphrase)
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("digest JSON");
    Ok(v["digest"].as_str().expect("digest").to_string())
}

/// Every device's hash chain intact, and every change vouched for by its signature.
fn assert_log_verifies(store: &Store, passphrase: &str, what: &str) {
    let out = store
        .cmd(&["--json", "audit", "--verify"])
        .env("NANSEN_PASSPHRASE", passphrase)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}: audit --verify failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).expect("verify JSON");
    for check in checks.as_array().expect("a list of chains") {
        assert!(
            check["chain_intact"] == true && check["problem"].is_null(),
            "{what}: {check}"
        );
    }
}

fn killed_by_a_signal(status: ExitStatus) -> bool {
    status.code().is_none()
}

/// Kills `op` at random moments `runs` times and checks the store after each kill.
fn kill_at_random_moments(operation: usize, pick: impl FnOnce(&Fixture) -> Operation<'_>) {
    let runs = runs_for(operation);
    let seed = seed();
    let f = fixture();
    let op = pick(&f);
    eprintln!(
        "faults/{}: {runs} runs, NANSEN_FAULT_SEED={seed} to replay",
        op.name
    );
    // Each operation draws its own moments from the one seed.
    let mut rng = Rng(seed ^ (operation as u64).wrapping_mul(0xA076_1D64_78BD_642F));
    let tmp = f.org.tmp.path().join(format!("runs-{}", op.name));
    std::fs::create_dir_all(&tmp).unwrap();
    let window = op.undisturbed(&tmp);
    let (mut killed, mut at_before, mut at_after, mut under_new) = (0, 0, 0, 0);
    for run in 0..runs {
        let store = op.fresh_copy(&tmp, run);
        let delay = rng.below(window);
        let what = format!("{} run {run} killed after {delay:?} (seed {seed})", op.name);
        let mut child = op.spawn(&store);
        std::thread::sleep(delay);
        // SIGKILL: no destructor, no exit handler, no flush runs.
        let _ = child.kill();
        let status = child.wait().unwrap();
        if killed_by_a_signal(status) {
            killed += 1;
        } else {
            assert!(status.success(), "{what}: exited with {status}");
        }

        // A passphrase change killed halfway leaves the store under one of the two.
        let opened = if op.new_passphrase {
            digest_with(&store, NEW_PASS)
                .map(|d| (d, NEW_PASS))
                .or_else(|_| digest_with(&store, PASS).map(|d| (d, PASS)))
        } else {
            digest_with(&store, PASS).map(|d| (d, PASS))
        };
        let (digest, passphrase) =
            opened.unwrap_or_else(|e| panic!("{what}: the store does not open: {e}"));
        assert_log_verifies(&store, passphrase, &what);
        under_new += usize::from(passphrase == NEW_PASS);
        if digest == op.before {
            at_before += 1;
        } else if digest == op.after {
            at_after += 1;
        } else {
            panic!(
                "{what}: digest {digest} is neither the state before ({}) nor after ({})",
                op.before, op.after
            );
        }
        if let Some(out) = &op.out {
            assert_written_whole_or_not_at_all(out, &f, &what);
        }
        std::fs::remove_dir_all(&store.dir).unwrap();
    }
    let under = if op.new_passphrase {
        format!("; {under_new} opened under the new passphrase")
    } else {
        String::new()
    };
    eprintln!(
        "faults/{}: {killed} of {runs} runs killed (window {window:?}); {at_before} at the state before, {at_after} after{under}",
        op.name
    );
    // Kills that always came too late would test nothing.
    assert!(
        runs == 0 || killed * 2 >= runs,
        "only {killed} of {runs} runs were killed before {} finished (seed {seed})",
        op.name
    );
}

/// A bundle is written whole or not at all: when it exists, headquarters can read it.
fn assert_written_whole_or_not_at_all(out: &Path, f: &Fixture, what: &str) {
    if !out.exists() {
        return;
    }
    let preview = f
        .org
        .hq
        .run(&["import", "--dry-run", out.to_str().unwrap()]);
    assert!(
        preview.status.success(),
        "{what}: the bundle left behind does not read: {}",
        String::from_utf8_lossy(&preview.stderr)
    );
}

#[test]
fn killed_during_an_import() {
    kill_at_random_moments(0, |f| Operation {
        name: "import",
        source: &f.org.hq,
        args: vec!["import".into(), f.bundle.clone()],
        new_passphrase: false,
        before: &f.hq_before,
        after: &f.hq_after,
        out: None,
    });
}

#[test]
fn killed_during_an_export() {
    kill_at_random_moments(1, |f| {
        let out = f.org.tmp.path().join("files").join("killed-export.nansen");
        Operation {
            name: "export",
            source: &f.org.offices[0],
            args: vec![
                "export".into(),
                "--for".into(),
                "HQ".into(),
                "--out".into(),
                out.to_string_lossy().into_owned(),
            ],
            new_passphrase: false,
            before: &f.office,
            after: &f.office,
            out: Some(out),
        }
    });
}

#[test]
fn killed_during_a_passphrase_change() {
    kill_at_random_moments(2, |f| Operation {
        name: "passphrase",
        source: &f.org.offices[0],
        args: vec!["passphrase".into()],
        new_passphrase: true,
        before: &f.office,
        after: &f.office,
        out: None,
    });
}

#[test]
fn killed_during_a_rebuild() {
    kill_at_random_moments(3, |f| Operation {
        name: "rebuild",
        source: &f.org.offices[0],
        args: vec!["rebuild".into()],
        new_passphrase: false,
        before: &f.office,
        after: &f.office,
        out: None,
    });
}
