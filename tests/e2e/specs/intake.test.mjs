// Scenario 6, a list from a spreadsheet: a small CSV (Cyrillic and Latin names, `;`
// between cells as spreadsheet programs in Russian save it, one bad row) imported in
// the window through the column-mapping step. The preview names the bad row's line
// and writes nothing; after Import the persons are in the list, and the window compares
// them with the person recorded before while the monitor works on: the pair turns up
// in the review queue. The same file again makes nobody twice.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { withApp } from "../harness.mjs";
import { nansen } from "../cli.mjs";
import { assertNoCspViolations, nav, personCount, personLabels, personRows, searchPersons, select, unlock } from "../flows.mjs";

test("a CSV list imported through the column-mapping step", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "nansen-e2e-intake-"));
  try {
    const dir = join(root, "osh");
    const usb = join(root, "usb");
    mkdirSync(usb);
    const csv = join(usb, "Список Ош.csv");
    // Saved by a spreadsheet program in Russian: `;` between cells. "Латиницей" names
    // nothing Nansen knows, so it is mapped by hand; line 5 has a day February never has.
    writeFileSync(
      csv,
      [
        "ФИО;Латиницей;Дата рождения;Пол;Camp ID",
        "Азиз Каримов;Aziz Karimov;1975~;male;A-117",
        "Дилшод Абдуллаев;Dilshod Abdullayev;1980;Мужской;A-118",
        "Gulnara Saidova;;1990-05;female;B-201",
        "Ботир Юсупов;Botir Yusupov;2005-02-30;male;B-202",
        "Nodira Rakhimova;;1985;;B-203",
        "",
      ].join("\n"),
    );
    nansen(dir, ["init", "--office", "Osh", "--user", "Dilnoza"]);
    // Recorded by hand before the list came: the list's first row is the same man.
    nansen(dir, ["person", "add", "--name", "Karimov Aziz@uz-Latn", "--birth-date", "1975", "--sex", "male", "--identifier", "camp_id=A-117"]);

    await withApp(
      t,
      async (app) => {
        await app.step("the persons list offers to import a list", async () => {
          await unlock(app);
          await nav(app, "persons");
          await app.waitFor(async () => (await personRows(app)) === 1);
          await app.click("[data-testid=import-list]");
          await app.waitFor("[data-testid=intake-file-form]");
        });

        await app.step("the columns of the file, mapped from their headers", async () => {
          await app.type("[data-testid=intake-path]", csv);
          await app.keys("Enter");
          await app.waitFor("[data-testid=intake-columns-form]", { timeout: 30000 });
          const columns = await app.execute(() =>
            [...document.querySelectorAll("[data-testid=intake-column]")].map((r) => ({
              header: r.querySelector("[data-testid=intake-column-header]").textContent.trim(),
              samples: r.querySelector("[data-testid=intake-column-samples]").textContent,
              target: r.querySelector("select").value,
            })),
          );
          assert.deepEqual(
            columns.map((c) => [c.header, c.target]),
            [
              ["ФИО", "name"],
              ["Латиницей", "ignore"],
              ["Дата рождения", "birth_date"],
              ["Пол", "sex"],
              ["Camp ID", "identifier:camp_id"],
            ],
          );
          assert.match(columns[0].samples, /Азиз Каримов/);
          assert.match(columns[1].samples, /Aziz Karimov/);
        });

        await app.step("the Latin column mapped to other spellings; the preview", async () => {
          await select(app, "#intake-target-2", "alias");
          await app.click("[data-testid=intake-preview]");
          await app.waitFor("[data-testid=intake-preview-step]", { timeout: 30000 });
          assert.equal(await app.text("[data-testid=intake-rows]"), "5");
          assert.equal(await app.text("[data-testid=intake-new]"), "4");
          assert.equal(await app.text("[data-testid=intake-refused-count]"), "1");
          const refused = await app.$$("[data-testid=intake-refused-row]");
          assert.equal(refused.length, 1);
          assert.equal(await app.text("[data-testid=intake-refused-line]"), "5");
          assert.match(await refused[0].getText(), /Date of birth \(column Дата рождения\).*2005-02-30.*not a real date/);
          const sample = await app.text("[data-testid=intake-sample]");
          assert.match(sample, /Азиз Каримов/);
          assert.match(sample, /Aziz Karimov/);
          assert.match(sample, /Gulnara Saidova/);
          // Nothing is written by a preview: the one person recorded before.
          const page = await app.execute(() => globalThis.__TAURI_INTERNALS__.invoke("person_list", { query: {} }));
          assert.equal(page.total, 1);
        });

        await app.step("the refusal in Russian", async () => {
          await app.click("[data-testid=lang-ru]");
          await app.waitFor(async () => /не существует|несуществующая/.test(await app.text("[data-testid=intake-refused-reason]")));
          assert.match(await app.text("[data-testid=intake-refused-reason]"), /Дата рождения \(столбец Дата рождения\)/);
          assert.equal(await app.text("[data-testid=intake-import]"), "Импортировать лиц: 4");
          await app.click("[data-testid=lang-en]");
          await app.waitForText("[data-testid=intake-import]", "Import 4 persons");
        });

        await app.step("imported, with a report", async () => {
          await app.click("[data-testid=intake-import]");
          await app.waitFor("[data-testid=intake-report]", { timeout: 30000 });
          assert.equal(await app.text("[data-testid=intake-done]"), "Imported: 4. Imported before: 0. Refused: 1.");
          assert.equal(await app.$("[data-testid=intake-progress]").getAttribute("data-stage"), "done");
          assert.equal(await app.text("[data-testid=intake-refused-line]"), "5");
          assert.match(await app.text("[data-testid=intake-checking]"), /compared with everyone else/);
        });

        await app.step("the persons are in the list, found in either script", async () => {
          await app.click("[data-testid=intake-show-persons]");
          await app.waitFor("[data-testid=person-table]");
          await app.waitFor(async () => (await personRows(app)) === 5);
          assert.equal(await personCount(app), "5 persons");
          const labels = await personLabels(app);
          assert.deepEqual(labels.sort(), ["Gulnara Saidova", "Karimov Aziz", "Nodira Rakhimova", "Азиз Каримов", "Дилшод Абдуллаев"].sort());
          await searchPersons(app, "Abdullaev", async () => (await personRows(app)) === 1 && ((await personLabels(app))[0]) === "Дилшод Абдуллаев");
          assert.match(await app.text("[data-testid=person-aliases]"), /Dilshod Abdullayev/);
        });

        await app.step("compared in the background: the man recorded twice waits for review", async () => {
          await app.waitForText("[data-testid=duplicates-badge]", "1", { timeout: 30000 });
          await nav(app, "duplicates");
          await app.waitFor("[data-testid=dup-pair]", { timeout: 15000 });
          assert.match(await app.text("[data-testid=dup-pair]"), /Азиз Каримов/);
          assert.match(await app.text("[data-testid=dup-pair]"), /Karimov Aziz/);
          assert.equal((await app.$$("[data-testid=dup-checking]")).length, 0);
        });

        await app.step("the same file again: nothing new", async () => {
          await nav(app, "persons");
          await app.click("[data-testid=import-list]");
          await app.type("[data-testid=intake-path]", csv);
          await app.keys("Enter");
          await app.waitFor("[data-testid=intake-columns-form]", { timeout: 30000 });
          await select(app, "#intake-target-2", "alias");
          await app.click("[data-testid=intake-preview]");
          await app.waitFor("[data-testid=intake-preview-step]", { timeout: 30000 });
          assert.equal(await app.text("[data-testid=intake-new]"), "0");
          assert.equal(await app.text("[data-testid=intake-present]"), "4");
          assert.ok(!(await app.$("[data-testid=intake-import]").isEnabled()), "nothing to import");
        });

        await assertNoCspViolations(app);
      },
      { env: { NANSEN_DATA_DIR: dir } },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
