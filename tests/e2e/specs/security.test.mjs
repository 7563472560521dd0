// Scenario 3, security: the passphrase is created in the UI (strength shown,
// confirmation), the app locks with Ctrl+L, a wrong passphrase is refused (and
// slowed down), the right one unlocks; the office is enrolled from files
// carried to and from headquarters, after comparing the safety number.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { withApp } from "../harness.mjs";
import { nansen, PASSPHRASE } from "../cli.mjs";
import { assertNoCspViolations, nav } from "../flows.mjs";

test("security: passphrase, lock, wrong passphrase, enrolment with the safety number", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "nansen-e2e-security-"));
  const hq = join(root, "hq");
  const request = join(root, "osh.request");
  const enrolment = join(root, "osh.enrolment");
  nansen(hq, ["init", "--office", "HQ", "--hq", "--user", "Anna"]);
  try {
    await withApp(t, async (app) => {
      await app.step("passphrase created with strength and confirmation", async () => {
        await app.waitFor("[data-testid=first-run]", { timeout: 20000 });
        await app.type("[data-testid=fr-office]", "Osh");
        await app.type("[data-testid=fr-user]", "Dilnoza");
        await app.type("[data-testid=fr-passphrase]", "password");
        await app.waitFor(async () => (await app.$("[data-testid=strength]").getAttribute("data-score")) === "0");
        assert.match(await app.text("[data-testid=strength]"), /Very weak — not accepted/);
        await app.type("[data-testid=fr-confirm]", "password");
        await app.click("[data-testid=fr-create]");
        assert.match(await app.text("[data-field=fr-passphrase]"), /too easy to guess/);
        assert.ok(await app.$("[data-testid=first-run]").isDisplayed(), "a weak passphrase is refused");

        await app.type("[data-testid=fr-passphrase]", PASSPHRASE);
        await app.waitFor(async () => Number(await app.$("[data-testid=strength]").getAttribute("data-score")) >= 3);
        assert.doesNotMatch(await app.text("[data-testid=strength]"), /not accepted/);
        await app.type("[data-testid=fr-confirm]", `${PASSPHRASE}!`);
        assert.match(await app.text("[data-field=fr-confirm]"), /do not match/);
        await app.type("[data-testid=fr-confirm]", PASSPHRASE);
        await app.waitFor("[data-testid=fr-match]");
        await app.keys("Enter");
        await app.waitFor("[data-testid=shell]", { timeout: 30000 });
      });

      await app.step("locked with Ctrl+L", async () => {
        await app.keys(["Control", "l"]);
        await app.waitFor("[data-testid=unlock]");
        assert.equal((await app.$$("[data-testid=shell]")).length, 0, "no record stays on screen");
        const state = await app.execute(async () => (await globalThis.__TAURI_INTERNALS__.invoke("app_state")).state);
        assert.equal(state, "locked");
      });

      await app.step("a wrong passphrase is refused, then slowed down", async () => {
        for (let i = 1; i <= 3; i++) {
          await app.waitFor(async () => await app.$("[data-testid=unlock-submit]").isEnabled(), { timeout: 15000 });
          await app.type("[data-testid=unlock-passphrase]", `wrong horse ${i}`);
          await app.keys("Enter");
          await app.waitFor(async () => /not correct/.test(await app.$("[data-testid=unlock-error]").getText().catch(() => "")));
        }
        // The third failure makes the backend ask for a pause: the button counts down.
        await app.waitFor("[data-testid=unlock-countdown]");
        assert.equal(await app.$("[data-testid=unlock-submit]").isEnabled(), false);
        assert.match(await app.text("[data-testid=unlock-submit]"), /Wait \d+ seconds?/);
      });

      await app.step("unlocked with the right passphrase", async () => {
        await app.waitFor(async () => await app.$("[data-testid=unlock-submit]").isEnabled(), { timeout: 15000 });
        await app.type("[data-testid=unlock-passphrase]", PASSPHRASE);
        await app.keys("Enter");
        await app.waitFor("[data-testid=shell]", { timeout: 20000 });
      });

      await app.step("not enrolled yet; request written to a typed path", async () => {
        await nav(app, "settings");
        await app.waitFor("[data-testid=this-device-enrolled]");
        assert.equal(await app.$("[data-testid=this-device-enrolled]").getAttribute("data-enrolled"), "false");
        await app.type("[data-testid=enrol-request-path]", request);
        await app.click("[data-testid=enrol-request-submit]");
        await app.waitFor("[data-testid=enrol-request-done]");
        assert.match(await app.text("[data-testid=enrol-request-done]"), /Osh/);
      });
      assert.ok(statSync(request).size > 0);

      // Headquarters approves with the CLI; it shows the same safety number.
      const approved = nansen(hq, ["enrol", "approve", request, "--out", enrolment, "--yes"], { json: true });
      assert.equal(approved.safety_number.split(" ").length, 12);

      await app.step("enrolment file checked: the safety number matches headquarters'", async () => {
        await app.type("[data-testid=enrol-accept-path]", enrolment);
        await app.click("[data-testid=enrol-inspect]");
        await app.waitFor("[data-testid=enrol-check]");
        const shown = await app.$("[data-testid=safety-number]").getAttribute("data-value");
        assert.equal(shown, approved.safety_number);
        const groups = await app.$$("[data-testid=safety-number] li");
        assert.equal(groups.length, 12);
        for (const g of groups) assert.match(await g.getText(), /^\d{5}$/);
        assert.match(await app.text("[data-testid=enrol-check]"), /Osh/);
        // Still not enrolled until confirmed.
        assert.equal(await app.$("[data-testid=this-device-enrolled]").getAttribute("data-enrolled"), "false");
      });

      await app.step("confirmed: the device is enrolled", async () => {
        await app.click("[data-testid=enrol-accept]");
        await app.waitFor("[data-testid=enrol-accept-done]");
        await app.waitFor(async () => (await app.$("[data-testid=this-device-enrolled]").getAttribute("data-enrolled")) === "true");
        assert.match(await app.text("[data-testid=this-device-enrolled]"), /Enrolled in the organisation/);
        assert.equal(await app.text("[data-testid=this-device-role]"), "Field office");
        const devices = await app.text("[data-testid=devices-table]");
        assert.match(devices, /HQ/);
        assert.match(devices, /Osh/);
      });

      await assertNoCspViolations(app);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
