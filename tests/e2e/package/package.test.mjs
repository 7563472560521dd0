// The installed package (`make test-package`): installs the .deb that `make package`
// built with dpkg, checks what it put where, starts the INSTALLED app under Xvfb through
// tauri-driver, waits for the first-run screen and screenshots it, measures the cold
// start to the unlock screen and the idle memory after unlock on the sample data, then
// purges the package and checks that nothing is left but the user's data dir, untouched.
//
//   NANSEN_DEB=target/release/bundle/deb/Nansen_<version>_amd64.deb  the package
//   NANSEN_APP=/usr/bin/nansen-desktop NANSEN_CLI=/usr/bin/nansen  what it installs
//   SUDO=sudo            when not root (dpkg needs root)
//   NANSEN_COLD_RUNS=5   how many cold starts to time
//
// The figures are printed and written to artifacts/package/figures.json.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { firstRun, unlock } from "../flows.mjs";
import { APP_BINARY, ARTIFACTS, withApp } from "../harness.mjs";

const DEB = resolve(process.env.NANSEN_DEB ?? "");
const SUDO = process.env.SUDO ? [process.env.SUDO] : [];
const CLI = process.env.NANSEN_CLI ?? "/usr/bin/nansen";
const COLD_RUNS = Number(process.env.NANSEN_COLD_RUNS ?? 5);
const PASSPHRASE = "correct horse battery staple";
const OUT = join(ARTIFACTS, "package");
const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
// Where a package could leave something behind; compared before install and after purge.
const SYSTEM_DIRS = ["/usr", "/etc", "/opt", "/var/lib/dpkg/info"];

const figures = {};
let pkg;
let installed = false;

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
}
const root = (cmd, args) => run(SUDO[0] ?? cmd, SUDO.length ? [cmd, ...args] : args);

function isInstalled(name) {
  try {
    return run("dpkg-query", ["-W", "-f=${Status}", name]).includes("installed");
  } catch {
    return false;
  }
}

function findNansen() {
  const found = run("find", [...SYSTEM_DIRS.filter(existsSync), "-iname", "*nansen*"], {}).trim();
  return found ? found.split("\n").sort() : [];
}

/** Every file under `dir` with its hash, size and mtime: to show it was not touched. */
function snapshot(dir) {
  if (!existsSync(dir)) return null;
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out[p] = `${st.size} ${st.mtimeMs} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
    }
  };
  walk(dir);
  return out;
}

/** Seconds since boot, from /proc/uptime (10 ms resolution). */
const uptime = () => Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
const CLK_TCK = Number(run("getconf", ["CLK_TCK"]).trim());
/** A process's start, in seconds since boot. */
function startedAt(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[19]) / CLK_TCK; // field 22 of stat: starttime
}

function processes() {
  const list = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      let exe = "";
      try {
        exe = readlinkSync(`/proc/${name}/exe`);
      } catch {}
      list.push({ pid: Number(name), ppid, comm, exe });
    } catch {
      // Gone meanwhile.
    }
  }
  return list;
}

/** The installed app's process (exactly one must run). */
function appProcess() {
  const apps = processes().filter((p) => p.exe === APP_BINARY);
  assert.equal(apps.length, 1, `expected one ${APP_BINARY} process, found ${apps.length}`);
  return apps[0];
}

/** The app and every process it started (WebKit's web and network processes…), with memory. */
function memoryOfTree(pid) {
  const all = processes();
  const tree = [all.find((p) => p.pid === pid)];
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((p) => p.ppid === tree[i].pid));
  return tree.map(({ pid: p, comm }) => {
    const kib = (file, key) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${p}/${file}`, "utf8"));
      return m ? Number(m[1]) : 0;
    };
    return { pid: p, comm, rssKiB: kib("status", "VmRSS"), pssKiB: kib("smaps_rollup", "Pss") };
  });
}

const mib = (kib) => Math.round((kib / 1024) * 10) / 10;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(t, line) {
  t.diagnostic(line);
  console.log(line);
}

after(() => {
  // Never leave the package installed, whatever failed.
  if (installed && pkg && isInstalled(pkg)) root("dpkg", ["-P", pkg]);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "figures.json"), `${JSON.stringify(figures, null, 2)}\n`);
});

let debContents;
let existedBefore;
let baseline;
let userDataBefore;
const REAL_USER_DATA = join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "nansen");

test("the .deb installs the app, its menu entry and icons, and the CLI", () => {
  assert.ok(existsSync(DEB) && DEB.endsWith(".deb"), `NANSEN_DEB=${process.env.NANSEN_DEB}: no .deb (make package)`);
  assert.equal(APP_BINARY, "/usr/bin/nansen-desktop", "run with NANSEN_APP=/usr/bin/nansen-desktop");
  pkg = run("dpkg-deb", ["-f", DEB, "Package"]).trim();
  assert.ok(
    !isInstalled(pkg),
    `the package ${pkg} is installed on this machine: this test would remove it; run \`dpkg -P ${pkg}\` first`,
  );
  mkdirSync(OUT, { recursive: true });
  rmSync(join(OUT, "figures.json"), { force: true });

  figures.package = {
    file: basename(DEB),
    sizeBytes: statSync(DEB).size,
    installedKiB: Number(run("dpkg-deb", ["-f", DEB, "Installed-Size"]).trim()),
    depends: run("dpkg-deb", ["-f", DEB, "Depends"]).trim(),
  };

  // What the package holds, and which of those paths exist already (shared dirs).
  debContents = run("dpkg-deb", ["-c", DEB])
    .trim()
    .split("\n")
    // "drwxr-xr-x root/root 0 2026-11-30 01:49 ./usr/": the path is what follows the time;
    // some dpkg versions write it without the leading "./".
    .map((line) => line.replace(/^(\S+\s+){5}/, "").replace(/ -> .*$/, "").replace(/^\.?\/?/, "/").replace(/\/$/, ""))
    .filter((p) => p && p !== "/");
  existedBefore = new Set(debContents.filter((p) => existsSync(p)));
  baseline = findNansen();
  userDataBefore = snapshot(REAL_USER_DATA);

  root("dpkg", ["-i", DEB]);
  installed = true;
  assert.ok(isInstalled(pkg));

  const listed = run("dpkg", ["-L", pkg]).trim().split("\n");
  for (const p of debContents) assert.ok(listed.includes(p), `dpkg -L ${pkg} lacks ${p}`);
  for (const bin of [APP_BINARY, CLI]) {
    assert.ok(listed.includes(bin), `the package does not install ${bin}`);
    assert.ok(statSync(bin).mode & 0o111, `${bin} is not executable`);
  }
  assert.match(run(CLI, ["--version"]), /^nansen \S+/);

  // The menu entry, and its icon at every standard size.
  const desktopFiles = listed.filter((p) => p.startsWith("/usr/share/applications/") && p.endsWith(".desktop"));
  assert.equal(desktopFiles.length, 1, `one .desktop file: ${desktopFiles}`);
  const entry = readFileSync(desktopFiles[0], "utf8");
  const key = (k) => new RegExp(`^${k}=(.*)$`, "m").exec(entry)?.[1];
  assert.equal(key("Type"), "Application");
  assert.equal(key("Name"), "Nansen");
  assert.equal(key("Exec")?.split(" ")[0], basename(APP_BINARY));
  assert.ok(key("Comment"), "the menu entry has a comment");
  assert.ok(key("Categories"), "the menu entry has categories");
  const icon = key("Icon");
  for (const size of ICON_SIZES) {
    const png = `/usr/share/icons/hicolor/${size}x${size}/apps/${icon}.png`;
    assert.ok(listed.includes(png), `no ${size}px icon (${png})`);
    // PNG header: width and height at bytes 16..24.
    const head = readFileSync(png);
    assert.deepEqual([head.readUInt32BE(16), head.readUInt32BE(20)], [size, size], `${png} is not ${size}x${size}`);
  }
  try {
    run("desktop-file-validate", [desktopFiles[0]]);
  } catch (error) {
    if (error.code !== "ENOENT") throw new Error(`desktop-file-validate: ${error.stdout}${error.stderr}`);
  }
  figures.package.files = listed.filter((p) => !existedBefore.has(p) && !statSync(p).isDirectory());
});

let userDataDir;

test("the installed app opens on the first-run screen", async (t) => {
  assert.ok(installed, "not installed");
  await withApp(
    t,
    async (app) => {
      // No NANSEN_DATA_DIR: the installed app uses the default, $XDG_DATA_HOME/nansen.
      await app.step("installed app first run", async () => {
        await app.waitFor("[data-testid=first-run]", { timeout: 20000 });
        assert.equal(await app.browser.getTitle(), "Nansen");
      });
      const state = await app.execute(async () => globalThis.__TAURI_INTERNALS__.invoke("app_state"));
      userDataDir = join(app.tmp, "xdg-data", "nansen");
      assert.equal(state.data_dir, userDataDir);
      await firstRun(app, { office: "Osh", user: "Dilnoza" });
      await app.screenshot("installed app after first run");
    },
    { env: { NANSEN_DATA_DIR: "" }, keepDataDir: true },
  );
  assert.ok(readdirSync(userDataDir).length > 0, "the first run wrote the store");
});

test("cold start to the unlock screen, and idle memory after unlock on the sample data", async (t) => {
  assert.ok(installed, "not installed");
  // The sample data, in a store made by the installed CLI with the real key derivation.
  const dir = mkdtempSync(join(tmpdir(), "nansen-package-demo-"));
  const env = { ...process.env, NANSEN_PASSPHRASE: PASSPHRASE, NANSEN_KDF_PROFILE: "" };
  const runs = [];
  try {
    run(CLI, ["--data-dir", join(dir, "data"), "--user", "Dilnoza", "init", "--office", "Osh"], { env });
    run(CLI, ["--data-dir", join(dir, "data"), "demo"], { env });

    for (let i = 0; i < COLD_RUNS; i++) {
      const last = i === COLD_RUNS - 1;
      await withApp(
        { name: `installed app cold start ${i + 1}` },
        async (app) => {
          const { pid } = appProcess();
          const start = startedAt(pid);
          // Interactive: the unlock screen is up and its passphrase field has the focus.
          const ready = () => app.execute(() => document.activeElement?.id === "unlock-passphrase");
          const readyAtHandover = await ready();
          while (!(await ready())) await sleep(5);
          const seconds = uptime() - start;
          runs.push({ seconds: Math.round(seconds * 1000) / 1000, readyAtHandover });
          if (!last) return;

          await app.screenshot("unlock screen");
          await unlock(app, PASSPHRASE);
          // Idle: unlocked, nothing touched for a while.
          await sleep(10000);
          await app.screenshot("idle after unlock");
          const tree = memoryOfTree(pid);
          const rss = tree.reduce((s, p) => s + p.rssKiB, 0);
          const pss = tree.reduce((s, p) => s + p.pssKiB, 0);
          figures.idleMemory = {
            rssMiB: mib(rss),
            pssMiB: mib(pss),
            processes: tree.map((p) => ({ ...p, rssMiB: mib(p.rssKiB), pssMiB: mib(p.pssKiB) })),
          };
        },
        { env: { NANSEN_DATA_DIR: join(dir, "data"), NANSEN_KDF_PROFILE: "" } },
      );
    }
    figures.coldStart = {
      runs,
      medianSeconds: median(runs.map((r) => r.seconds)),
      bestSeconds: Math.min(...runs.map((r) => r.seconds)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const p = figures.package;
  report(t, `package: ${p.file}, ${(p.sizeBytes / 1048576).toFixed(1)} MB (.deb), ${(p.installedKiB / 1024).toFixed(1)} MB installed`);
  report(
    t,
    `cold start to the interactive unlock screen: median ${figures.coldStart.medianSeconds.toFixed(2)} s ` +
      `(${runs.map((r) => r.seconds.toFixed(2)).join(", ")} s; goal < 1.5 s)`,
  );
  const m = figures.idleMemory;
  report(
    t,
    `idle memory after unlock, sample data: ${m.rssMiB} MB RSS, ${m.pssMiB} MB PSS for ${m.processes.length} processes ` +
      `(${m.processes.map((x) => `${x.comm} ${x.rssMiB}`).join(", ")}; goal < 200 MB RSS)`,
  );
});

test("purging the package leaves nothing but the user's data dir, untouched", () => {
  assert.ok(installed, "not installed");
  assert.ok(userDataDir && existsSync(userDataDir), "the first-run test made a data dir");
  const userDataInstalled = snapshot(userDataDir);

  root("dpkg", ["-P", pkg]);
  assert.ok(!isInstalled(pkg), `${pkg} is still installed`);
  installed = false;

  const left = debContents.filter((p) => !existedBefore.has(p) && existsSync(p));
  assert.deepEqual(left, [], "paths the package created are left after dpkg -P");
  assert.deepEqual(findNansen(), baseline, `files named *nansen* appeared under ${SYSTEM_DIRS.join(" ")}`);

  assert.deepEqual(snapshot(userDataDir), userDataInstalled, "the user's data dir was changed by the uninstall");
  assert.deepEqual(snapshot(REAL_USER_DATA), userDataBefore, `${REAL_USER_DATA} was changed`);
  rmSync(resolve(userDataDir, "..", ".."), { recursive: true, force: true });
});
