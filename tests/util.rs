//! Runs the real `nansen` binary in temporary directories (as ripgrep's tests do).
//! The binary is built once per test run with `cargo build -p nansen-cli`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const PASS: &str = "correct horse battery staple";

/// Builds `nansen` with these features into its own target dir (so that binaries with
/// different features never overwrite each other) and returns its path.
fn build(features: &[&str], target_subdir: Option<&str>) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let mut target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    if let Some(sub) = target_subdir {
        target = target.join(sub);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "-p", "nansen-cli", "--bin", "nansen"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&root);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let status = cmd.status().expect("run cargo build");
    assert!(status.success(), "building nansen failed");
    target.join("debug").join("nansen")
}

/// The `nansen` binary as people run it, built from this workspace.
pub fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build(&[], None))
}

/// `nansen` with fault injection compiled in (`NANSEN_TEST_FAULT`), for crash tests.
pub fn faulty_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build(&["fault-injection"], Some("fault-injection")))
}

/// A store directory and the commands that run `nansen` against it.
pub struct Store {
    pub dir: PathBuf,
}

impl Store {
    pub fn new(parent: &Path, name: &str) -> Store {
        Store {
            dir: parent.join(name),
        }
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_of(bin(), args)
    }

    /// The same command, run by another build of `nansen`.
    pub fn cmd_of(&self, binary: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(binary);
        c.arg("--data-dir")
            .arg(&self.dir)
            .args(args)
            .env("NANSEN_KDF_PROFILE", "test")
            .env("NANSEN_PASSPHRASE", PASS)
            .env_remove("NANSEN_DATA_DIR")
            .env_remove("NANSEN_USER")
            .env_remove("NANSEN_TEST_FAULT");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run nansen")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "nansen {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Runs a command with `--json` that must succeed; returns the parsed output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let text = self.ok(&a);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("nansen {} printed no JSON ({e}): {text}", args.join(" ")))
    }

    /// Runs a command that must fail; returns (exit code, stderr).
    pub fn fails(&self, args: &[&str]) -> (i32, String) {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "nansen {} should have failed",
            args.join(" ")
        );
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stderr).expect("utf-8"),
        )
    }

    pub fn digest(&self) -> String {
        self.json(&["digest"])["digest"]
            .as_str()
            .expect("digest")
            .to_string()
    }

    /// Adds a record with flags and returns its id.
    pub fn add(&self, kind: &str, flags: &[&str]) -> String {
        let mut a = vec![kind, "add"];
        a.extend_from_slice(flags);
        self.json(&a)["id"].as_str().expect("id").to_string()
    }
}

/// Headquarters and offices, all enrolled, each office having heard from HQ once.
pub struct Org {
    pub tmp: tempfile::TempDir,
    pub hq: Store,
    pub offices: Vec<Store>,
}

impl Org {
    pub fn new(offices: &[&str]) -> Org {
        let tmp = tempfile::tempdir().expect("tempdir");
        let hq = Store::new(tmp.path(), "hq");
        hq.ok(&["init", "--office", "HQ", "--hq"]);
        let files = tmp.path().join("files");
        std::fs::create_dir_all(&files).unwrap();
        let mut stores = Vec::new();
        for name in offices {
            let s = Store::new(tmp.path(), &name.to_lowercase().replace(' ', "-"));
            s.ok(&["init", "--office", name]);
            let req = files.join(format!("{name}.request"));
            let enr = files.join(format!("{name}.enrolment"));
            s.ok(&["enrol", "request", "--out", req.to_str().unwrap()]);
            hq.ok(&[
                "enrol",
                "approve",
                req.to_str().unwrap(),
                "--out",
                enr.to_str().unwrap(),
                "--yes",
            ]);
            s.ok(&["enrol", "accept", enr.to_str().unwrap(), "--yes"]);
            stores.push(s);
        }
        let org = Org {
            tmp,
            hq,
            offices: stores,
        };
        for (i, name) in offices.iter().enumerate() {
            let b = org.bundle(&format!("hq-welcome-{i}"));
            org.hq.ok(&["export", "--for", name, "--out", &b]);
            org.offices[i].ok(&["import", &b]);
        }
        org
    }

    pub fn bundle(&self, name: &str) -> String {
        self.tmp
            .path()
            .join("files")
            .join(format!("{name}.nansen"))
            .to_string_lossy()
            .to_string()
    }
}
