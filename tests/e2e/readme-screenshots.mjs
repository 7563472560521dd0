// Takes the README's screenshots from the real app, on the sample data set:
//   xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/readme-screenshots.mjs
// (`make screenshots`). Writes tests/e2e/screenshots/*.png.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { nansen } from "./cli.mjs";
import { nav, unlock } from "./flows.mjs";
import { REPO_ROOT, withApp } from "./harness.mjs";

const out = join(REPO_ROOT, "tests", "e2e", "screenshots");
mkdirSync(out, { recursive: true });

await withApp({ name: "readme-screenshots" }, async (app) => {
  nansen(app.dataDir, ["init", "--office", "Osh"], { user: "Dilnoza" });
  nansen(app.dataDir, ["demo"]);
  await app.execute(() => location.reload());
  await unlock(app);
  await app.browser.setWindowSize(1280, 800);

  await nav(app, "persons");
  await app.waitFor(async () => (await app.$$("[data-testid=person-row]")).length === 17);
  copyFileSync(await app.screenshot("persons"), join(out, "persons.png"));

  await app.type("[data-testid=person-search]", "Abdullaev");
  await app.waitFor(async () => (await app.$$("[data-testid=person-row]")).length === 1);
  copyFileSync(await app.screenshot("search"), join(out, "search-across-scripts.png"));

  await app.click("[data-testid=person-link]");
  await app.waitFor(async () => (await app.execute(() => document.body.innerText)).includes("Timeline"));
  copyFileSync(await app.screenshot("person"), join(out, "person.png"));

  await nav(app, "groups");
  await app.clickText("29 taken to the Osh detention centre", "a");
  await app.waitFor(async () => (await app.execute(() => document.body.innerText)).includes("12 of 29"));
  copyFileSync(await app.screenshot("group"), join(out, "group.png"));
});
console.log(`screenshots written to ${out}`);
