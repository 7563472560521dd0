// Steps shared by the scenarios, driven the way a person would: mostly with
// the keyboard.
import assert from "node:assert/strict";
import { PASSPHRASE } from "./cli.mjs";

/** First run in the UI: office, name, passphrase twice; waits for the app. */
export async function firstRun(app, { office, user, hq = false, passphrase = PASSPHRASE }) {
  await app.waitFor("[data-testid=first-run]", { timeout: 20000 });
  await app.type("[data-testid=fr-office]", office);
  await app.type("[data-testid=fr-user]", user);
  await app.type("[data-testid=fr-passphrase]", passphrase);
  await app.waitFor(async () => (await app.$("[data-testid=strength]").getAttribute("data-score")) !== "");
  await app.type("[data-testid=fr-confirm]", passphrase);
  if (hq) await app.click("[data-testid=fr-hq]");
  await app.click("[data-testid=fr-create]");
  await app.waitFor("[data-testid=shell]", { timeout: 30000 });
}

export async function unlock(app, passphrase = PASSPHRASE) {
  await app.waitFor("[data-testid=unlock]", { timeout: 20000 });
  await app.type("[data-testid=unlock-passphrase]", passphrase);
  await app.keys("Enter");
  await app.waitFor("[data-testid=shell]", { timeout: 20000 });
}

/** Follow a navigation link by its section id. */
export async function nav(app, section) {
  await app.click(`[data-testid=nav] [data-section=${section}]`);
  await app.waitFor(async () => (await app.execute(() => location.hash)).startsWith(`#/${section}`));
}

/** Pick a record in a RecordPicker by typing and pressing Enter on the first match. */
export async function pick(app, testid, text, expectLabel = text) {
  await app.type(`[data-testid=${testid}-input]`, text);
  await app.waitFor(async () => {
    const options = await app.$$(`[data-testid=${testid}-option]`);
    if (options.length === 0) return false;
    return (await options[0].getText()).includes(expectLabel);
  }, { message: `no option ${expectLabel} in ${testid}` });
  await app.keys("Enter");
  await app.waitFor(() =>
    app.execute(
      (sel, label) => [...document.querySelectorAll(sel)].some((c) => c.textContent.includes(label)),
      `[data-testid=${testid}-chip]`,
      expectLabel,
    ),
  );
}

export async function select(app, css, value) {
  const el = await app.$(css);
  await el.waitForDisplayed({ timeout: 10000 });
  await el.selectByAttribute("value", value);
  await app.waitFor(async () => (await el.getValue()) === value);
}

/** No horizontal scrolling of the page at the current size. */
export async function assertNoHorizontalOverflow(app, where) {
  const [scrollW, clientW] = await app.execute(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scrollW <= clientW, `horizontal overflow on ${where}: ${scrollW} > ${clientW}`);
}

export async function assertNoCspViolations(app) {
  const violations = await app.execute(() => globalThis.__nansenCspViolations ?? null);
  assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
}

/** How many person rows the list shows. */
export async function personRows(app) {
  return (await app.$$("[data-testid=person-row]")).length;
}

/** The names of the person rows shown, in order. */
export async function personLabels(app) {
  return app.execute(() => [...document.querySelectorAll("[data-testid=person-link]")].map((a) => a.textContent.trim()));
}

/** The person list's count line ("100,000 persons, showing 100"). */
export async function personCount(app) {
  // The count itself, without the "Clear filters" button that follows it on the line.
  return app.execute(() => document.querySelector("[data-testid=person-count] > span")?.textContent?.trim() ?? "");
}

/** Type into the person search and wait until `shown()` holds; returns the milliseconds it took. */
export async function searchPersons(app, text, shown) {
  const started = Date.now();
  await app.type("[data-testid=person-search]", text);
  await app.waitFor(shown, { timeout: 15000, message: `searching ${JSON.stringify(text)} never showed its persons` });
  return Date.now() - started;
}
