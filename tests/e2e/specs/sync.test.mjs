// Scenario 2, sync: two offices enrolled by headquarters (with the CLI), a
// person sent from A to B, then its name edited differently at A and at B.
// In the app: A exports a bundle for B to a typed path; B previews it (the
// preview names the conflict), imports it, and resolves the conflict.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { withApp } from "../harness.mjs";
import { nansen } from "../cli.mjs";
import { assertNoCspViolations, nav, unlock } from "../flows.mjs";

function prepare() {
  const root = mkdtempSync(join(tmpdir(), "nansen-e2e-sync-"));
  const dirs = { hq: join(root, "hq"), a: join(root, "a"), b: join(root, "b"), usb: join(root, "usb") };
  mkdirSync(dirs.usb);
  nansen(dirs.hq, ["init", "--office", "HQ", "--hq", "--user", "Anna"]);
  nansen(dirs.a, ["init", "--office", "Osh", "--user", "Dilnoza"]);
  nansen(dirs.b, ["init", "--office", "Jalal-Abad", "--user", "Timur"]);
  for (const [dir, name] of [[dirs.a, "a"], [dirs.b, "b"]]) {
    const req = join(dirs.usb, `${name}.request`);
    const enr = join(dirs.usb, `${name}.enrolment`);
    nansen(dir, ["enrol", "request", "--out", req]);
    nansen(dirs.hq, ["enrol", "approve", req, "--out", enr, "--yes"]);
    nansen(dir, ["enrol", "accept", enr, "--yes"]);
  }
  // A bundle from headquarters to each office, so that they know each other.
  nansen(dirs.hq, ["export", "--for", "Osh", "--out", join(dirs.usb, "hq-a.nansen")]);
  nansen(dirs.hq, ["export", "--for", "Jalal-Abad", "--out", join(dirs.usb, "hq-b.nansen")]);
  nansen(dirs.a, ["import", join(dirs.usb, "hq-a.nansen")]);
  nansen(dirs.b, ["import", join(dirs.usb, "hq-b.nansen")]);
  // A person recorded at A reaches B.
  const { id } = nansen(dirs.a, ["person", "add", "--name", "Азиз Каримов@uz-Cyrl", "--alias", "Aziz Karimov@uz-Latn"], { json: true });
  nansen(dirs.a, ["export", "--for", "Jalal-Abad", "--out", join(dirs.usb, "a1.nansen")]);
  nansen(dirs.b, ["import", join(dirs.usb, "a1.nansen")]);
  // Concurrent edits of the same field.
  nansen(dirs.a, ["person", "edit", id, "--name", "Aziz Karimov@uz-Latn"]);
  nansen(dirs.b, ["person", "edit", id, "--name", "Азиз Кәримов@uz-Cyrl"]);
  return { root, dirs, id };
}

test("sync: export for an office, preview with the conflict, import, resolve", async (t) => {
  const { root, dirs, id } = prepare();
  const bundle = join(dirs.usb, "osh-for-jalal-abad.nansen");
  try {
    await t.test("office A exports a bundle for office B", (t) =>
      withApp(
        t,
        async (app) => {
          await app.step("unlocked A", () => unlock(app));
          await app.step("export tab", async () => {
            await nav(app, "sync");
            await app.waitFor("[data-testid=export-form]");
            await app.waitFor(async () => (await app.$("[data-testid=export-recipient]").getValue()) !== "");
            const offices = await app.execute(() =>
              [...document.querySelectorAll("[data-testid=export-recipient] option")].map((o) => o.value),
            );
            assert.ok(offices.includes("Jalal-Abad"), `offices: ${offices}`);
          });
          await app.step("exported to a typed path", async () => {
            const select = await app.$("[data-testid=export-recipient]");
            await select.selectByAttribute("value", "Jalal-Abad");
            await app.type("[data-testid=export-path]", bundle);
            await app.click("[data-testid=export-submit]");
            await app.waitFor("[data-testid=export-result]", { timeout: 30000 });
            assert.match(await app.text("[data-testid=export-result]"), /Exported \d+ changes?\./);
            assert.match(await app.text("[data-testid=export-result]"), /Jalal-Abad/);
            assert.equal(await app.text("[data-testid=export-result-path]"), bundle);
            assert.equal(await app.$("[data-testid=export-progress]").getAttribute("data-stage"), "done");
          });
          await app.step("sync status shows what was sent", async () => {
            await app.click("[data-testid=tab-status]");
            await app.waitFor("[data-testid=peers-table]");
            assert.match(await app.text("[data-testid=peers-table]"), /Jalal-Abad/);
          });
          await assertNoCspViolations(app);
        },
        { env: { NANSEN_DATA_DIR: dirs.a } },
      ),
    );
    assert.ok(statSync(bundle).size > 0, "the bundle file was written");

    await t.test("office B previews, imports and resolves the conflict", (t) =>
      withApp(
        t,
        async (app) => {
          await app.step("unlocked B", () => unlock(app));
          await app.step("preview mentions the conflict", async () => {
            await nav(app, "sync");
            await app.click("[data-testid=tab-import]");
            await app.type("[data-testid=import-path]", bundle);
            await app.keys("Enter");
            await app.waitFor("[data-testid=import-preview]", { timeout: 30000 });
            const preview = await app.text("[data-testid=import-preview]");
            assert.match(preview, /From Osh \(Dilnoza\)/);
            const conflicts = await app.text("[data-testid=import-conflicts]");
            assert.match(conflicts, /This import will open 1 conflict\./);
            assert.match(conflicts, /Азиз Кәримов/);
            assert.match(conflicts, /Aziz Karimov/);
            // Nothing is written by a preview.
            assert.equal((await app.$$("[data-testid=conflicts-badge]")).length, 0);
          });
          await app.step("confirmed import", async () => {
            await app.click("[data-testid=import-confirm]");
            await app.waitFor("[data-testid=import-done]", { timeout: 30000 });
            assert.match(await app.text("[data-testid=import-result]"), /This import opened 1 conflict\./);
            await app.waitForText("[data-testid=conflicts-badge]", "1");
          });
          await app.step("the record, marked as in conflict", async () => {
            await app.click(`[data-testid=import-result] a[href="#/persons/${id}"]`);
            await app.waitFor("[data-testid=person-page]");
            await app.waitFor("[data-testid=conflict-name]");
          });
          await app.step("conflicts screen lists both values", async () => {
            await app.click("[data-testid=conflict-name] a");
            await app.waitFor("[data-testid=conflict]");
            const values = await app.$$("[data-testid=conflict-value]");
            assert.equal(values.length, 2);
            const texts = [];
            for (const v of values) texts.push(await v.getText());
            assert.ok(texts.some((s) => /Aziz Karimov/.test(s) && /Osh/.test(s) && /Dilnoza/.test(s)), texts.join(" | "));
            assert.ok(texts.some((s) => /Азиз Кәримов/.test(s) && /Jalal-Abad/.test(s) && /Timur/.test(s)), texts.join(" | "));
          });
          await app.step("kept A's value", async () => {
            const values = await app.$$("[data-testid=conflict-value]");
            for (const v of values) {
              if (/Aziz Karimov/.test(await v.getText())) {
                const keep = await v.$("[data-testid=conflict-keep]");
                await keep.click();
                break;
              }
            }
            await app.waitFor("[data-testid=conflicts-empty]");
            await app.waitFor(async () => (await app.$$("[data-testid=conflicts-badge]")).length === 0);
          });
          await app.step("the person carries the kept name", async () => {
            await nav(app, "persons");
            await app.waitFor("[data-testid=person-table]");
            assert.equal(await app.text("[data-testid=person-link]"), "Aziz Karimov");
          });
          await assertNoCspViolations(app);
        },
        { env: { NANSEN_DATA_DIR: dirs.b } },
      ),
    );

    // Checked independently of the UI, with the CLI on B's store.
    // `conflicts --json` prints a page: `{ items, next, total }`.
    const remaining = nansen(dirs.b, ["conflicts"], { json: true });
    assert.deepEqual(remaining.items, []);
    assert.equal(remaining.total, 0);
    const person = nansen(dirs.b, ["person", "show", id], { json: true });
    assert.deepEqual(person.record.fields.name, { lang: "uz-Latn", text: "Aziz Karimov" });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
