// Scenario 5, headquarters' scale: 100,000 persons brought in with the real
// `nansen person import` before the app starts. The list counts them all, appends the
// next page as you scroll or press Load more, finds a name typed in either script at
// once, and opens a person (the dashboard, the home screen, shows the count first).
// Timings go to the test's diagnostics.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { withApp } from "../harness.mjs";
import { nansen } from "../cli.mjs";
import { assertNoCspViolations, nav, personCount, personLabels, personRows, searchPersons, unlock } from "../flows.mjs";

const PERSONS = 100_000;

// Names as monitors write them: Uzbek names in Cyrillic with a Latin spelling, or in
// Latin only. As in a real list, most full names are shared by a few persons and one
// ("Aziz Karimov", one row in 50) by thousands; two persons are the only ones with
// their surnames, to be searched for.
const FIRST = [
  ["Азиз", "Aziz"], ["Дилшод", "Dilshod"], ["Ботир", "Botir"], ["Тимур", "Timur"], ["Рустам", "Rustam"],
  ["Шерзод", "Sherzod"], ["Фарход", "Farhod"], ["Улугбек", "Ulugbek"], ["Жасур", "Jasur"], ["Санжар", "Sanjar"],
  ["Отабек", "Otabek"], ["Одил", "Odil"], ["Бобур", "Bobur"], ["Даврон", "Davron"], ["Элёр", "Elyor"],
  ["Илхом", "Ilhom"], ["Жамшид", "Jamshid"], ["Камол", "Kamol"], ["Мансур", "Mansur"], ["Нодир", "Nodir"],
  ["Ойбек", "Oybek"], ["Кахрамон", "Qahramon"], ["Равшан", "Ravshan"], ["Шавкат", "Shavkat"], ["Умид", "Umid"],
  ["Хуршид", "Xurshid"], ["Зафар", "Zafar"], ["Ёдгор", "Yodgor"],
  ["Нодира", "Nodira"], ["Гульнара", "Gulnara"], ["Мадина", "Madina"], ["Дилноза", "Dilnoza"],
  ["Камола", "Kamola"], ["Шахноза", "Shahnoza"], ["Лола", "Lola"], ["Феруза", "Feruza"],
  ["Малика", "Malika"], ["Зарина", "Zarina"], ["Нигора", "Nigora"], ["Севара", "Sevara"],
];
const FEMALE_FROM = 28;
// Surnames: a root and an ending, 30 × 5.
const ROOTS = [
  ["Карим", "Karim"], ["Рахим", "Rahim"], ["Саид", "Said"], ["Юсуп", "Yusup"], ["Турсун", "Tursun"],
  ["Назар", "Nazar"], ["Исмоил", "Ismoil"], ["Хасан", "Hasan"], ["Усмон", "Usmon"], ["Эргаш", "Ergash"],
  ["Холмат", "Holmat"], ["Султан", "Sultan"], ["Раджаб", "Rajab"], ["Азиз", "Aziz"], ["Бакир", "Bakir"],
  ["Кодир", "Qodir"], ["Салим", "Salim"], ["Тохир", "Tohir"], ["Умар", "Umar"], ["Юнус", "Yunus"],
  ["Зокир", "Zokir"], ["Жалил", "Jalil"], ["Комил", "Komil"], ["Латиф", "Latif"], ["Махмуд", "Mahmud"],
  ["Нурмат", "Nurmat"], ["Олим", "Olim"], ["Пулат", "Pulat"], ["Рашид", "Rashid"], ["Собир", "Sobir"],
];
const ENDINGS = [["ов", "ov"], ["беков", "bekov"], ["жонов", "jonov"], ["кулов", "qulov"], ["муродов", "murodov"]];
const SURNAMES = ROOTS.flatMap(([rc, rl]) => ENDINGS.map(([ec, el]) => [rc + ec, rl + el]));
const COMMON = 50;
const UNIQUE = {
  // Row 61,803: in Cyrillic only, found by its Latin spelling too.
  61_803: "Шукрулло Эшонкулов,,1966,male,K-61803",
  // Row 88,422: in Latin only.
  88_422: "Zarifa Toshpulatova,,1979~,female,K-88422",
};

function bigCsv(file) {
  const lines = ["name,alias,birth_date,sex,camp_id"];
  for (let i = 1; i <= PERSONS; i++) {
    if (UNIQUE[i]) {
      lines.push(UNIQUE[i]);
      continue;
    }
    const f = i % COMMON === 0 ? 0 : i % FIRST.length;
    const s = i % COMMON === 0 ? 0 : Math.floor(i / FIRST.length) % SURNAMES.length;
    const female = f >= FEMALE_FROM;
    const [fc, fl] = FIRST[f];
    const [sc, sl] = SURNAMES[s].map((n) => (female ? `${n}${/[а-я]$/.test(n) ? "а" : "a"}` : n));
    // Namesakes are born in different years, as they are in a real list.
    const born = 1940 + (i % 61);
    const sex = female ? "female" : "male";
    // Two in three in Cyrillic with a Latin spelling, the others in Latin only.
    lines.push(i % 3 ? `${fc} ${sc},${fl} ${sl},${born},${sex},K-${i}` : `${fl} ${sl},,${born},${sex},K-${i}`);
  }
  writeFileSync(file, lines.join("\n") + "\n");
}

test("100,000 persons: counted, paged as you scroll, searched in both scripts, opened", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "nansen-e2e-100k-"));
  try {
    const dir = join(root, "hq");
    const csv = join(root, "persons.csv");
    let started = Date.now();
    bigCsv(csv);
    nansen(dir, ["init", "--office", "HQ", "--hq", "--user", "Anna"]);
    const out = nansen(dir, ["person", "import", csv]);
    assert.match(out, /100000 rows — 100000 imported, 0 already present, 0 refused/);
    t.diagnostic(`100,000 persons written by the CLI in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    await withApp(
      t,
      async (app) => {
        await app.step("unlocked on 100,000 persons", async () => {
          started = Date.now();
          await unlock(app);
          // The home screen: the dashboard, every figure read from derived counts.
          await app.waitFor(
            async () => (await app.execute(() => document.querySelector("[data-testid=chart-status]")?.dataset.rendered)) === "true",
            { timeout: 30000, message: "the dashboard was not drawn" },
          );
          t.diagnostic(`unlock to the dashboard drawn: ${Date.now() - started} ms`);
          assert.equal(await app.text("[data-testid=card-persons] .dash-card-n"), "100,000");
          started = Date.now();
          await nav(app, "persons");
          await app.waitFor("[data-testid=person-table]", { timeout: 30000 });
          await app.waitFor(async () => (await personRows(app)) === 100);
          t.diagnostic(`dashboard to the persons list's first page: ${Date.now() - started} ms`);
          assert.equal(await personCount(app), "100,000 persons, showing 100");
        });

        await app.step("scrolled to the end: the next page is appended", async () => {
          const before = await app.execute(() => [...document.querySelectorAll("[data-testid=person-row]")].map((r) => r.dataset.id));
          started = Date.now();
          await app.execute(() => {
            const main = document.getElementById("main");
            main.scrollTop = main.scrollHeight;
          });
          await app.waitFor(async () => (await personRows(app)) === 200, { timeout: 15000, message: "scrolling did not load the second page" });
          t.diagnostic(`second page on scrolling: ${Date.now() - started} ms`);
          const after = await app.execute(() => [...document.querySelectorAll("[data-testid=person-row]")].map((r) => r.dataset.id));
          // Appended: the first page is still there, in order, and no one twice.
          assert.deepEqual(after.slice(0, 100), before);
          assert.equal(new Set(after).size, 200);
          assert.equal(await personCount(app), "100,000 persons, showing 200");
        });

        await app.step("Load more appends the page after", async () => {
          // From the keyboard: the button is an ordinary button.
          await app.execute(() => document.querySelector("[data-testid=load-more]").focus());
          await app.keys("Enter");
          // The button sits at the end of the list, still in view: scrolling may append
          // the page after it too, so at least one more page, each row once.
          await app.waitFor(async () => (await personRows(app)) >= 300, { timeout: 15000 });
          const ids = await app.execute(() => [...document.querySelectorAll("[data-testid=person-row]")].map((r) => r.dataset.id));
          assert.equal(ids.length % 100, 0);
          assert.equal(new Set(ids).size, ids.length);
          assert.equal(await personCount(app), `100,000 persons, showing ${ids.length}`);
        });

        await app.step("a Cyrillic surname finds its one person", async () => {
          const ms = await searchPersons(app, "Эшонкулов", async () => (await personRows(app)) === 1 && ((await personLabels(app))[0]) === "Шукрулло Эшонкулов");
          t.diagnostic(`search "Эшонкулов" among 100,000: ${ms} ms`);
          assert.equal(await personCount(app), "1 person");
        });

        await app.step("the same person typed in Latin", async () => {
          const ms = await searchPersons(app, "Eshonkulov", async () => ((await personLabels(app))[0]) === "Шукрулло Эшонкулов" && (await personRows(app)) === 1);
          t.diagnostic(`search "Eshonkulov": ${ms} ms`);
        });

        await app.step("a Latin name, and its Cyrillic spelling", async () => {
          let ms = await searchPersons(app, "Toshpulatova", async () => (await personRows(app)) === 1 && ((await personLabels(app))[0]) === "Zarifa Toshpulatova");
          t.diagnostic(`search "Toshpulatova": ${ms} ms`);
          ms = await searchPersons(app, "Тошпулатова", async () => (await personRows(app)) === 1 && ((await personLabels(app))[0]) === "Zarifa Toshpulatova");
          t.diagnostic(`search "Тошпулатова": ${ms} ms`);
        });

        await app.step("a common name: a page of thousands, counted", async () => {
          // Every "Азиз Каримов" (Cyrillic, with a Latin spelling) and "Aziz Karimov" (Latin only).
          const ms = await searchPersons(app, "Азиз Каримов", async () => (await personRows(app)) === 100);
          t.diagnostic(`search "Азиз Каримов": ${ms} ms, ${await personCount(app)}`);
          // One row in 50 of the list: 2,000, two in three written in Cyrillic.
          assert.equal(await personCount(app), "2,000 persons, showing 100");
          const labels = await personLabels(app);
          assert.ok(labels.every((l) => l === "Азиз Каримов" || l === "Aziz Karimov"), labels.join("; "));
          // Typed in Latin, the same 2,000 (those written in Cyrillic found too), after a
          // search that shows one person, so that the count seen is the new search's.
          await searchPersons(app, "Eshonkulov", async () => (await personCount(app)) === "1 person");
          await searchPersons(app, "Aziz Karimov", async () => (await personCount(app)) === "2,000 persons, showing 100");
        });

        await app.step("a person opens", async () => {
          await searchPersons(app, "Эшонкулов", async () => (await personRows(app)) === 1);
          started = Date.now();
          await app.click("[data-testid=person-link]");
          await app.waitFor("[data-testid=person-page]", { timeout: 15000 });
          assert.match(await app.text("[data-testid=person-name]"), /Шукрулло Эшонкулов/);
          t.diagnostic(`person page: ${Date.now() - started} ms`);
        });

        await assertNoCspViolations(app);
      },
      { env: { NANSEN_DATA_DIR: dir } },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

