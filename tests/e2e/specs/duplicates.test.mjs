// Scenario 7, one person recorded twice: Osh records «Абдуллаев Рустам» in Cyrillic,
// Jalal-Abad records "Rustam Abdullayev" in Latin (both with the CLI), and headquarters
// imports both offices' bundles. In the app at headquarters: the Duplicates badge
// counts the pair, the review queue shows the two records side by side with the
// evidence in words, S merges them, the merged person page shows both names and both
// records (a differing birth date settled there), the merged-away id shows the same
// page, the list counts him once, and Unmerge makes two persons again.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { withApp } from "../harness.mjs";
import { nansen } from "../cli.mjs";
import { assertNoCspViolations, assertNoHorizontalOverflow, nav, personLabels, personRows, unlock } from "../flows.mjs";

const CYRILLIC = "Абдуллаев Рустам";
const LATIN = "Rustam Abdullayev";

function prepare() {
  const root = mkdtempSync(join(tmpdir(), "nansen-e2e-dup-"));
  const dirs = { hq: join(root, "hq"), osh: join(root, "osh"), jal: join(root, "jal"), usb: join(root, "usb") };
  mkdirSync(dirs.usb);
  nansen(dirs.hq, ["init", "--office", "HQ", "--hq", "--user", "Anna"]);
  nansen(dirs.osh, ["init", "--office", "Osh", "--user", "Dilnoza"]);
  nansen(dirs.jal, ["init", "--office", "Jalal-Abad", "--user", "Timur"]);
  for (const name of ["osh", "jal"]) {
    const req = join(dirs.usb, `${name}.request`);
    const enr = join(dirs.usb, `${name}.enrolment`);
    nansen(dirs[name], ["enrol", "request", "--out", req]);
    nansen(dirs.hq, ["enrol", "approve", req, "--out", enr, "--yes"]);
    nansen(dirs[name], ["enrol", "accept", enr, "--yes"]);
  }
  const osh = nansen(
    dirs.osh,
    ["person", "add", "--name", `${CYRILLIC}@uz-Cyrl`, "--birth-date", "1975~", "--sex", "male", "--identifier", "camp_id=A-117"],
    { json: true },
  ).id;
  const jal = nansen(
    dirs.jal,
    ["person", "add", "--name", `${LATIN}@uz-Latn`, "--birth-date", "1976", "--sex", "male", "--identifier", "camp_id=A-117"],
    { json: true },
  ).id;
  nansen(dirs.osh, ["export", "--for", "HQ", "--out", join(dirs.usb, "osh.nansen")]);
  nansen(dirs.jal, ["export", "--for", "HQ", "--out", join(dirs.usb, "jal.nansen")]);
  const out = nansen(dirs.hq, ["import", join(dirs.usb, "osh.nansen"), join(dirs.usb, "jal.nansen")]);
  assert.match(out, /possible duplicates waiting for review: 1/);
  return { root, dirs, osh, jal };
}

const hash = (app) => app.execute(() => location.hash);
const goto = (app, target) => app.execute((h) => (location.hash = h), target);
const texts = (app, css) => app.execute((sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent.replace(/\s+/g, " ").trim()), css);

test("duplicates: the review queue, a merge from the keyboard, the merged person, an unmerge", async (t) => {
  const { root, dirs, osh, jal } = prepare();
  // Osh's record was made first: its id (UUIDv7) is the smaller, the cluster's representative.
  assert.ok(osh < jal);
  try {
    await withApp(
      t,
      async (app) => {
        let started;
        await app.step("unlocked at headquarters: one possible duplicate counted", async () => {
          await unlock(app);
          await app.waitForText("[data-testid=duplicates-badge]", "1", { timeout: 15000 });
        });

        await app.step("the review queue: the two records side by side with the evidence", async () => {
          started = Date.now();
          await nav(app, "duplicates");
          await app.waitFor("[data-testid=dup-pair]", { timeout: 15000 });
          t.diagnostic(`queue shown: ${Date.now() - started} ms`);
          const pair = await app.$("[data-testid=dup-pair]");
          assert.equal(await pair.getAttribute("data-a"), osh);
          assert.equal(await pair.getAttribute("data-b"), jal);
          assert.match(await app.text("[data-testid=dup-a-name]"), /Абдуллаев Рустам\s*uz-Cyrl/);
          assert.match(await app.text("[data-testid=dup-b-name]"), /Rustam Abdullayev\s*uz-Latn/);
          assert.match(await app.text("[data-testid=dup-a-recorded]"), /Dilnoza, Osh/);
          assert.match(await app.text("[data-testid=dup-b-recorded]"), /Timur, Jalal-Abad/);
          // The birth dates differ (compatible): marked.
          assert.equal(await app.$("[data-testid=dup-row-birth_date]").getAttribute("data-differs"), "true");
          await app.waitFor(async () => (await app.text("[data-testid=dup-b-identifiers]")).includes("Camp ID: A-117"));
          const evidence = await texts(app, "[data-testid=dup-evidence-item]");
          t.diagnostic(`evidence: ${evidence.join(" | ")}`);
          assert.ok(evidence.some((e) => e.includes("Абдуллаев = Abdullayev: the same name, in another script or spelling")), evidence.join("\n"));
          assert.ok(evidence.some((e) => e.includes("Рустам = Rustam")), evidence.join("\n"));
          assert.ok(evidence.some((e) => e.includes("Camp ID: A-117 and A-117 agree")), evidence.join("\n"));
          assert.ok(evidence.some((e) => e.includes("Birth dates c. 1975 and 1976 are compatible")), evidence.join("\n"));
          assert.match(await app.text("[data-testid=dup-score]"), /\d+% likely the same person/);
          await assertNoHorizontalOverflow(app, "the review queue");
        });

        await app.step("S merges them: the queue is empty", async () => {
          // The keys act on the page, wherever focus is on it (not in a field).
          await app.execute(() => document.getElementById("main")?.focus());
          started = Date.now();
          await app.keys("s");
          await app.waitFor("[data-testid=dup-empty]", { timeout: 15000 });
          t.diagnostic(`merge (S) to the next state of the queue: ${Date.now() - started} ms`);
          assert.match(await app.text("[data-testid=dup-status]"), /Merged: Абдуллаев Рустам and Rustam Abdullayev are now one person\./);
          await app.waitFor(async () => (await app.$$("[data-testid=duplicates-badge]")).length === 0, {
            message: "the Duplicates badge stayed",
          });
        });

        await app.step("the merged person: both names, recorded twice", async () => {
          await app.click("[data-testid=dup-open-merged]");
          await app.waitFor("[data-testid=cluster]", { timeout: 15000 });
          assert.equal(await hash(app), `#/persons/${osh}`);
          assert.equal(await app.text("[data-testid=cluster-title]"), "Recorded 2 times");
          assert.match(await app.text("[data-testid=person-name]"), /Абдуллаев Рустам/);
          assert.match(await app.text("[data-testid=aliases]"), /Rustam Abdullayev\s*uz-Latn/);
          const members = await texts(app, "[data-testid=cluster-member]");
          assert.equal(members.length, 2);
          assert.match(members[0], /Абдуллаев Рустам.*main record.*Recorded by Dilnoza at Osh/);
          assert.match(members[1], /Rustam Abdullayev.*Recorded by Timur at Jalal-Abad/);
          assert.equal(await app.$("[data-testid=cluster-differ]").getAttribute("data-field"), "birth_date");
        });

        await app.step("the birth date settled: one value for both records", async () => {
          const values = await app.$$("[data-testid=cluster-value]");
          assert.equal(values.length, 2);
          const approx = await (async () => {
            for (const v of values) if ((await v.getText()).includes("c. 1975")) return v;
            return null;
          })();
          assert.ok(approx, "the value c. 1975 is offered");
          await (await approx.$("[data-testid=cluster-settle]")).click();
          await app.waitFor(async () => (await app.$$("[data-testid=cluster-differ]")).length === 0, { timeout: 15000 });
          assert.match(await app.text("[data-testid=field-birth_date]"), /c\. 1975/);
        });

        await app.step("the merged-away id shows the same person, saying so", async () => {
          await goto(app, `#/persons/${jal}`);
          await app.waitFor("[data-testid=cluster-viewed]", { timeout: 15000 });
          assert.match(
            await app.text("[data-testid=cluster-viewed]"),
            /The record you opened, Rustam Abdullayev, was judged the same person as others: it is shown here as part of Абдуллаев Рустам\./,
          );
          assert.equal(await app.$("[data-testid=person-page]").getAttribute("data-id"), osh);
        });

        await app.step("the persons list counts him once: 2 records", async () => {
          await nav(app, "persons");
          await app.waitFor(async () => (await personRows(app)) === 1, { timeout: 15000 });
          assert.deepEqual(await personLabels(app), [CYRILLIC]);
          assert.equal(await app.text("[data-testid=merged-badge]"), "2 records");
        });

        await app.step("unmerge: two persons again", async () => {
          await goto(app, `#/persons/${osh}`);
          await app.waitFor("[data-testid=cluster]", { timeout: 15000 });
          await app.click(`[data-testid=cluster-member][data-id="${jal}"] [data-testid=cluster-unmerge]`);
          await app.waitFor("[data-testid=confirm-unmerge]");
          started = Date.now();
          await app.click("[data-testid=cluster-unmerge-yes]");
          await app.waitFor(async () => (await app.$$("[data-testid=cluster]")).length === 0, { timeout: 15000 });
          t.diagnostic(`unmerge to the page shown alone: ${Date.now() - started} ms`);
          assert.match(await app.text("[data-testid=person-name]"), /Абдуллаев Рустам/);
          await nav(app, "persons");
          await app.waitFor(async () => (await personRows(app)) === 2, { timeout: 15000 });
          assert.deepEqual((await personLabels(app)).sort(), [LATIN, CYRILLIC].sort());
          assert.equal((await app.$$("[data-testid=merged-badge]")).length, 0);
          // Unmerged, the pair waits for review again.
          await app.waitForText("[data-testid=duplicates-badge]", "1", { timeout: 15000 });
        });

        await app.step("the unmerged record shows what it showed, with the edit made since", async () => {
          await goto(app, `#/persons/${jal}`);
          await app.waitFor(async () => (await app.$("[data-testid=person-page]").getAttribute("data-id")) === jal, { timeout: 15000 });
          assert.match(await app.text("[data-testid=person-name]"), /Rustam Abdullayev/);
          assert.equal((await app.$$("[data-testid=cluster]")).length, 0);
          assert.equal((await app.$$("[data-testid=cluster-viewed]")).length, 0);
          // Its birth date is the one settled while merged: an edit made to it since.
          assert.match(await app.text("[data-testid=field-birth_date]"), /c\. 1975/);
        });

        await assertNoCspViolations(app);
      },
      { env: { NANSEN_DATA_DIR: dirs.hq } },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
