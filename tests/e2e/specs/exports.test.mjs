// Data exports and deadlines in the real window, on the sample data (`nansen demo`),
// one person marked strictly confidential and one intervention due in three days (both
// with the CLI): the deadlines list opened from the dashboard's figure, a row to its
// intervention; persons exported as a pseudonymised XLSX through the exports screen,
// the strictly confidential one confirmed by ticking it, and the file read back by an
// independent reader (openpyxl, and the raw XML inside the zip) with no name, alias
// or group name of any record in it; the aggregate table exported as HXL-tagged CSV;
// both exports in the export log, as the app and the CLI show it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { nansen } from "../cli.mjs";
import { REPO_ROOT } from "../harness.mjs";
import { assertNoCspViolations, nav, unlock } from "../flows.mjs";
import { withApp } from "../harness.mjs";

const PYTHON = process.env.NANSEN_TEST_PYTHON ?? join(REPO_ROOT, "target", "py", "bin", "python");

/** Every cell of the workbook's sheets, and every text in its XML parts, read by Python. */
function readWorkbook(path) {
  const script = `
import json, sys, zipfile, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = [[c for c in r] for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
with zipfile.ZipFile(sys.argv[1]) as z:
    xml = "\\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
print(json.dumps({"rows": rows, "xml": xml}, ensure_ascii=False, default=str))
`;
  return JSON.parse(execFileSync(PYTHON, ["-c", script, path], { encoding: "utf8" }));
}

/** YYYY-MM-DD of today plus `days`, in this computer's time zone (as the core counts). */
function dayFromToday(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

test("exports and deadlines: the deadlines list from the dashboard, a pseudonymised XLSX, an HXL table, the export log", (t) =>
  withApp(t, async (app) => {
    const dir = app.dataDir;
    nansen(dir, ["init", "--office", "Osh"], { user: "Dilnoza" });
    nansen(dir, ["demo"]);
    const persons = nansen(dir, ["person", "list"], { json: true }).items;
    assert.equal(persons.length, 17);
    const aziz = persons.find((p) => p.label === "Азиз Каримов");
    assert.ok(aziz, "the sample data has Aziz Karimov");
    nansen(dir, ["person", "edit", aziz.id, "--confidentiality", "strictly_confidential"]);
    const soon = nansen(
      dir,
      ["intervention", "add", "--type", "urgent_action", "--title", "Follow-up letter to the Osh prosecutor", "--status", "planned", "--due", dayFromToday(3), "--concerns", aziz.id],
      { json: true },
    );
    const soonId = soon.id;
    // Every name the pseudonymised file must not hold: names and aliases in every script,
    // and the names of groups (a person's groups leave as pseudonyms too).
    const names = new Set();
    for (const p of persons) {
      names.add(p.name.text);
      for (const a of p.aliases ?? []) names.add(a.text);
    }
    for (const g of nansen(dir, ["group", "list"], { json: true }).items) names.add(g.label);
    assert.ok(names.size >= 30, `only ${names.size} names`);
    await app.execute(() => location.reload());
    await unlock(app);

    await app.step("the dashboard's overdue figure opens the deadlines list; a row opens its intervention", async () => {
      await app.waitFor("[data-testid=card-overdue]");
      assert.equal(await app.text("[data-testid=card-overdue] .dash-card-n"), "2");
      assert.equal(await app.text("[data-testid=card-upcoming] .dash-card-n"), "1");
      await app.click("[data-testid=card-overdue]");
      await app.waitFor("[data-testid=view-deadlines] [data-testid=deadline-row]");
      assert.equal(await app.execute(() => location.hash), "#/dashboard/deadlines?show=overdue");
      assert.equal(await app.text("#deadlines-overdue-h"), "Overdue: 2");
      const overdue = await app.$$("[data-testid=deadlines-overdue] [data-testid=deadline-row]");
      assert.equal(overdue.length, 2);
      assert.match(await overdue[0].getText(), /Ask UNHCR to complete the assessment of the 29/);
      assert.match(await overdue[0].getText(), /days overdue/);
      const upcoming = await app.$$("[data-testid=deadlines-upcoming] [data-testid=deadline-row]");
      assert.equal(upcoming.length, 1);
      assert.match(await upcoming[0].getText(), /Follow-up letter to the Osh prosecutor\s[\s\S]*In 3 days[\s\S]*Азиз Каримов/);
      await app.screenshot("deadlines-list");
      await app.click("[data-testid=deadlines-upcoming] [data-testid=deadline-link]");
      await app.waitFor(async () => (await app.execute(() => location.hash)) === `#/interventions/${soonId}`, {
        message: "the deadline's link did not open its intervention",
      });
      await app.waitFor(async () => (await app.text("main h1")).includes("Follow-up letter to the Osh prosecutor"));
    });

    const xlsx = join(app.tmp, "persons-pseudonymised.xlsx");
    await app.step("persons as a pseudonymised XLSX, the strictly confidential person ticked", async () => {
      await nav(app, "dashboard");
      // The reports are listed under the dashboard in the navigation while it is open.
      await app.waitFor("[data-testid=nav-exports]");
      await app.click("[data-testid=nav-exports]");
      await app.waitFor("[data-testid=view-exports]");
      assert.equal(await app.execute(() => location.hash), "#/dashboard/exports");
      for (const testid of ["export-kind-person", "export-profile-pseudonymised", "export-format-xlsx"]) {
        await app.click(`[data-testid=${testid}]`);
        assert.equal(await app.$(`[data-testid=${testid}]`).isSelected(), true, testid);
      }
      await app.waitFor("[data-testid=export-confirm]");
      const boxes = await app.$$("[data-testid=export-confirm]");
      assert.equal(boxes.length, 1);
      assert.equal(await boxes[0].getAttribute("data-id"), aziz.id);
      assert.match(await app.text("[data-testid=export-confidential]"), /Let “Азиз Каримов” leave in this export/);
      await app.type("[data-testid=export-path]", xlsx);
      assert.equal(await app.$("[data-testid=export-write]").isEnabled(), false, "written without the confirmation");
      await app.click("[data-testid=export-confirm]");
      await app.click("[data-testid=export-write]");
      await app.waitFor("[data-testid=export-done]", { timeout: 30000 });
      const done = await app.text("[data-testid=export-done]");
      assert.ok(done.includes(xlsx), done);
      assert.match(done, /17 rows written/);
      assert.match(done, /1 strictly confidential record left, confirmed by you/);
      assert.match(await app.text("[data-testid=export-done-logged]"), /^Recorded in the export log as entry 1\.$/);
      await app.screenshot("exports-pseudonymised-xlsx");
      // A confirmation is for one export: the next one asks again.
      assert.equal(await app.$("[data-testid=export-confirm]").isSelected(), false);
    });

    await app.step("the XLSX read back by openpyxl: a pseudonym a person, no name of any record", async () => {
      assert.ok(existsSync(xlsx));
      const { rows, xml } = readWorkbook(xlsx);
      assert.equal(rows.length, 18, "a header and 17 persons");
      assert.equal(rows[0][0], "pseudonym");
      assert.ok(!rows[0].includes("name"), `a name column: ${rows[0]}`);
      const pseudonyms = rows.slice(1).map((r) => r[0]);
      assert.ok(pseudonyms.every((p) => /^P-[0-9A-Z]{8,}$/.test(p)), pseudonyms.join(" "));
      assert.equal(new Set(pseudonyms).size, 17);
      const cells = rows.flat().filter((c) => c !== null).map(String);
      for (const name of names) {
        assert.ok(!cells.some((c) => c.includes(name)), `a cell holds ${name}`);
        assert.ok(!xml.includes(name), `the workbook's XML holds ${name}`);
      }
      assert.ok(!xml.includes(aziz.id), "the confirmed person's id left");
    });

    const hxl = join(app.tmp, "aggregate-hxl.csv");
    await app.step("the aggregate table as HXL-tagged CSV, k = 5", async () => {
      await app.click("[data-testid=export-kind-aggregate]");
      assert.equal(await app.$("[data-testid=export-profile-aggregate]").isSelected(), true);
      await app.click("[data-testid=export-format-hxl]");
      assert.equal(await app.$("[data-testid=export-k]").getValue(), "5");
      await app.type("[data-testid=export-path]", hxl);
      await app.click("[data-testid=export-write]");
      await app.waitFor(async () => (await app.text("[data-testid=export-done]")).includes(hxl), { timeout: 30000 });
      assert.match(await app.text("[data-testid=export-done]"), /17 persons counted/);
      assert.match(await app.text("[data-testid=export-done-suppressed]"), /^\d+ cells? suppressed \(\d+ under 5 persons, \d+ so that none/);
      const lines = readFileSync(hxl, "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
      assert.match(lines[0], /^Region,Protection status,/);
      assert.match(lines[1], /^#adm1\+name,#status\+protection,#affected\+f,#affected\+m,/);
      assert.match(lines[lines.length - 1], /^Total,.*,17$/);
      for (const name of names) assert.ok(!lines.join("\n").includes(name), `the table holds ${name}`);
    });

    await app.step("both exports in the export log, as the app and the CLI show it", async () => {
      await app.waitFor(async () => (await app.$$("[data-testid=export-log-row]")).length === 2);
      const rows = await app.$$("[data-testid=export-log-row]");
      assert.match(await rows[0].getText(), /Dilnoza[\s\S]*Aggregate table of persons · Aggregate · HXL/);
      assert.match(await rows[1].getText(), /Persons · Pseudonymised · XLSX/);
      assert.match(await rows[1].getText(), /1 confirmed/);
      const log = nansen(dir, ["audit", "--exports"], { json: true });
      const entries = log.items ?? log;
      assert.deepEqual(
        entries.map((e) => [e.kind, e.profile, e.format, e.records, e.author, e.file]),
        [
          ["aggregate", "aggregate", "hxl", 17, "Dilnoza", hxl],
          ["person", "pseudonymised", "xlsx", 17, "Dilnoza", xlsx],
        ],
      );
      assert.deepEqual(entries[1].confirmed, [aziz.id]);
    });

    await assertNoCspViolations(app);
  }));
