// Headquarters continuity in the real window: an enrolled office's store is backed up from
// Settings to a typed path (a USB stick), then restored on the first-run screen of a
// laptop with an empty data folder; after a lock and an unlock the records are there.
// The CLI checks the restored folder on its own: the same records (the same digest),
// a new device identity, and a log that verifies.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { withApp } from "../harness.mjs";
import { nansen, PASSPHRASE } from "../cli.mjs";
import { assertNoCspViolations, nav, personLabels, searchPersons, unlock } from "../flows.mjs";

const WITNESS = "Gulnora Saidova";

test("continuity: back up from Settings, restore on the first-run screen of a new laptop", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "nansen-e2e-continuity-"));
  const source = join(root, "osh");
  const usb = join(root, "usb");
  const backupFile = join(usb, "osh.nansen-backup");
  mkdirSync(usb);
  const hq = join(root, "hq");
  nansen(hq, ["init", "--office", "HQ", "--hq", "--user", "Anna"]);
  nansen(source, ["init", "--office", "Osh", "--user", "Dilnoza"]);
  // Enrolled, as an office's laptop is before it is lost.
  const request = join(root, "osh.request");
  const enrolment = join(root, "osh.enrolment");
  nansen(source, ["enrol", "request", "--out", request]);
  nansen(hq, ["enrol", "approve", request, "--out", enrolment, "--yes"]);
  nansen(source, ["enrol", "accept", enrolment, "--yes"]);
  nansen(source, ["demo"]);
  nansen(source, ["person", "add", "--name", `${WITNESS}@en-Latn`]);
  const original = nansen(source, ["info"], { json: true });
  const digest = nansen(source, ["digest"], { json: true }).digest;
  let restoredTmp;
  try {
    await t.test("backed up from Settings", (t) =>
      withApp(
        t,
        async (app) => {
          await unlock(app);
          await app.step("the backup written to a typed path", async () => {
            await nav(app, "settings");
            await app.waitFor("[data-testid=backup-section]");
            await app.type("[data-testid=backup-path]", backupFile);
            await app.type("[data-testid=backup-passphrase]", PASSPHRASE);
            await app.click("[data-testid=backup-submit]");
            await app.waitFor("[data-testid=backup-done]", { timeout: 30000 });
            const done = await app.text("[data-testid=backup-done]");
            assert.ok(done.includes(backupFile), done);
            assert.match(done, /opens with this store's passphrase/);
            assert.equal(await app.$("[data-testid=backup-passphrase]").getValue(), "", "the passphrase is not kept");
          });
          await assertNoCspViolations(app);
        },
        { env: { NANSEN_DATA_DIR: source } },
      ),
    );
    assert.ok(statSync(backupFile).size > 1000);
    assert.ok(!readFileSync(backupFile).includes(WITNESS), "the backup holds no plaintext");

    await t.test("restored on a new laptop", (t) =>
      withApp(
        t,
        async (app) => {
          restoredTmp = app.tmp;
          await app.step("restore offered on the first-run screen", async () => {
            await app.waitFor("[data-testid=first-run]", { timeout: 20000 });
            await app.click("[data-testid=fr-restore]");
            await app.waitFor("[data-testid=restore]");
          });
          await app.step("a wrong passphrase is refused", async () => {
            await app.type("[data-testid=restore-path]", backupFile);
            await app.type("[data-testid=restore-passphrase]", "not the passphrase at all");
            await app.click("[data-testid=restore-submit]");
            await app.waitFor("[data-testid=restore-error]", { timeout: 30000 });
            assert.match(await app.text("[data-testid=restore-error]"), /does not open this backup/);
          });
          await app.step("restored: a new device identity, to be enrolled again", async () => {
            await app.type("[data-testid=restore-passphrase]", PASSPHRASE);
            await app.click("[data-testid=restore-submit]");
            await app.waitFor("[data-testid=restore-done]", { timeout: 30000 });
            const done = await app.text("[data-testid=restore-done]");
            assert.match(done, /The backup of Osh made on/);
            assert.match(done, /new device identity/);
            assert.match(await app.text("[data-testid=restore-enrol]"), /Enrol this laptop with headquarters again/);
            assert.equal((await app.$$("[data-testid=restore-hq]")).length, 0, "an office holds no organisation key");
          });
          await app.step("the records open", async () => {
            await app.click("[data-testid=restore-continue]");
            await app.waitFor("[data-testid=shell]", { timeout: 20000 });
          });
          await app.step("locked, unlocked with the backup's passphrase", async () => {
            await app.keys(["Control", "l"]);
            await unlock(app);
          });
          await app.step("the records are there", async () => {
            await nav(app, "persons");
            await searchPersons(app, "Saidova", async () => (await personLabels(app)).some((l) => l.includes(WITNESS)));
            await searchPersons(app, "Karimov", async () => (await personLabels(app)).length > 0);
          });
          await assertNoCspViolations(app);
        },
        { keepDataDir: true },
      ),
    );

    // The CLI, on the folder the app restored into.
    const restoredDir = join(restoredTmp, "data");
    const restored = nansen(restoredDir, ["info"], { json: true });
    assert.deepEqual(restored.records, original.records);
    assert.equal(restored.office, "Osh");
    assert.notEqual(restored.device, original.device, "a restored store takes a new device identity");
    assert.equal(restored.enrolled, false, "its new device is not enrolled yet");
    assert.equal(nansen(restoredDir, ["digest"], { json: true }).digest, digest);
    const chains = nansen(restoredDir, ["audit", "--verify"], { json: true });
    assert.ok(chains.length > 0);
    for (const c of chains) assert.ok(c.chain_intact && c.problem === null, JSON.stringify(c));
  } finally {
    if (restoredTmp) rmSync(restoredTmp, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
});
