// Reports in the real window, on the sample data (the seed): the dashboard is the
// home screen after unlock, with its charts drawn by Chart.js under the strict CSP
// and every bar a link to the list it counts; the situation summary; an
// urgent-action sheet saved as a PDF from a person's page, read back with poppler
// (pdftotext) and its first page rendered (pdftoppm) into the test's artifacts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { nansen } from "../cli.mjs";
import { assertNoCspViolations, nav, unlock } from "../flows.mjs";
import { withApp } from "../harness.mjs";

/** The bars a chart published on its canvas (`data-bars`). */
const bars = (app, testid) =>
  app.execute((id) => JSON.parse(document.querySelector(`[data-testid=${id}]`)?.dataset.bars ?? "[]"), testid);

/** Clicks the middle of the bar linking to `href`, as a person would. */
async function clickBar(app, testid, href) {
  const bar = (await bars(app, testid)).find((b) => b.href === href);
  assert.ok(bar, `${testid} has no bar for ${href}: ${JSON.stringify(await bars(app, testid))}`);
  const canvas = await app.$(`[data-testid=${testid}]`);
  await canvas.scrollIntoView({ block: "center" });
  const { width, height } = await canvas.getSize();
  // WebDriver offsets are from the element's centre.
  await app.browser
    .action("pointer")
    .move({ origin: canvas, x: Math.round(bar.x - width / 2), y: Math.round(bar.y - height / 2) })
    .down()
    .up()
    .perform();
  await app.waitFor(async () => (await app.execute(() => location.hash)) === href, {
    message: `clicking the bar did not open ${href}`,
  });
}

const CHARTS = ["chart-status", "chart-places", "chart-new-persons", "chart-events"];
const rendered = (app) =>
  app.execute((ids) => ids.every((id) => document.querySelector(`[data-testid=${id}]`)?.dataset.rendered === "true"), CHARTS);

test("reports: the dashboard and its charts, a bar to its list, the situation, an urgent-action PDF", (t) =>
  withApp(t, async (app) => {
    nansen(app.dataDir, ["init", "--office", "Osh"], { user: "Dilnoza" });
    nansen(app.dataDir, ["demo"]);
    await app.execute(() => location.reload());

    await app.step("after unlock: the dashboard, its charts drawn, and a reminder of what is overdue", async () => {
      const started = Date.now();
      await unlock(app);
      const unlocked = Date.now();
      await app.waitFor(() => rendered(app), { timeout: 15000, message: "the dashboard's charts were not drawn" });
      t.diagnostic(
        `unlock (typing the passphrase included) ${unlocked - started} ms, then the dashboard with its four charts drawn ${Date.now() - unlocked} ms (sample data)`,
      );
      assert.equal(await app.execute(() => location.hash), "#/dashboard");
      assert.equal(await app.text("[data-testid=card-persons] .dash-card-n"), "17");
      assert.equal(await app.text("[data-testid=card-overdue] .dash-card-n"), "2");
      assert.match(await app.text("[data-testid=deadline-reminder]"), /2 interventions are past their due date/);
      assert.equal(await app.text("[data-testid=status-count-at_risk]"), "15");
      for (const chart of CHARTS) assert.ok((await bars(app, chart)).length > 0, `${chart} has no bars`);
    });

    await app.step("a bar of the status chart opens the persons it counts", async () => {
      await clickBar(app, "chart-status", "#/persons?status=at_risk");
      await app.waitFor(async () => (await app.$$("[data-testid=person-row]")).length === 15);
      assert.equal(await app.$("[data-testid=person-status-filter]").getValue(), "at_risk");
    });

    await app.step("a bar of the events chart opens the events of that type and month", async () => {
      await nav(app, "dashboard");
      await app.waitFor(() => rendered(app));
      await clickBar(app, "chart-events", "#/dashboard/list?of=events&month=2005-06&event_type=detention");
      await app.waitFor(async () => (await app.$$("[data-testid=counted-row]")).length === 1);
      assert.match(await app.text("[data-testid=counted-link]"), /^29 asylum-seekers taken to the Osh detention centre/);
    });

    await app.step("a place's bar opens the persons there; a place can be looked into", async () => {
      await nav(app, "dashboard");
      await app.waitFor(() => rendered(app));
      const kg = await app.execute(() => document.querySelector("[data-testid=place-row]")?.dataset.id);
      await app.click("[data-testid=place-row] [data-testid=place-inside]");
      await app.waitFor(async () => (await app.text("[data-testid=dashboard-places] .crumbs")).includes("Kyrgyzstan"));
      await clickBar(app, "chart-places", (await bars(app, "chart-places"))[0].href);
      await app.waitFor(async () => (await app.$$("[data-testid=person-row]")).length > 0);
      assert.ok(kg);
    });

    await app.step("the situation summary states the seed's figures", async () => {
      await nav(app, "dashboard");
      await app.click("[data-testid=situation-show]");
      await app.waitFor("[data-testid=situation-text]");
      const text = await app.text("[data-testid=situation-text]");
      for (const said of ["103", "29 asylum-seekers were detained", "4 asylum-seekers were forcibly returned", "UNHCR assessment pending for 29"]) {
        assert.ok(text.replace(/\u00a0/g, " ").includes(said), `${said}: ${text}`);
      }
    });

    const pdf = join(app.tmp, "urgent-action-jamshid.pdf");
    await app.step("an urgent-action sheet saved from a person's page", async () => {
      await nav(app, "persons");
      await app.type("[data-testid=person-search]", "Jamshid");
      await app.waitFor(async () => (await app.$$("[data-testid=person-row]")).length === 1);
      await app.click("[data-testid=person-link]");
      await app.waitFor("[data-testid=person-page]");
      await app.click("[data-testid=sheet-open]");
      await (await app.$("[data-testid=sheet-lang]")).selectByAttribute("value", "ru");
      await app.type("[data-testid=sheet-path]", pdf);
      await app.click("[data-testid=sheet-save]");
      await app.waitFor("[data-testid=sheet-done]", { timeout: 30000 });
      assert.match(await app.text("[data-testid=sheet-done]"), /urgent-action-jamshid\.pdf/);
      assert.ok(existsSync(pdf));
      assert.equal(readFileSync(pdf).subarray(0, 5).toString(), "%PDF-");
    });

    await app.step("the PDF read back: names in Cyrillic and Latin, the figures; page 1 as a picture", async () => {
      const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
      for (const said of ["СРОЧНАЯ АКЦИЯ", "Жамшид Раҳимов", "Джамшид Рахимов", "Jamshid Rahimov", "12 из 29", "103"]) {
        assert.ok(text.includes(said), `the PDF lacks ${said}:\n${text}`);
      }
      execFileSync("pdftoppm", ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, join(app.artifacts, "urgent-action-sheet-page-1")]);
      assert.ok(existsSync(join(app.artifacts, "urgent-action-sheet-page-1.png")));
      // Never written over from a typed path.
      await app.click("[data-testid=sheet-save]");
      await app.waitFor("[data-testid=sheet-error]");
      assert.match(await app.text("[data-testid=sheet-error]"), /already exists/);
    });

    await assertNoCspViolations(app);
  }));
