import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { REPO_ROOT, withApp } from "../harness.mjs";
import { assertNoCspViolations, assertNoHorizontalOverflow } from "../flows.mjs";

const WORKSPACE_VERSION = /\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/s.exec(
  readFileSync(join(REPO_ROOT, "Cargo.toml"), "utf8"),
)[1];

test("the window opens on first run, in English and Russian, and fits 1024x640", (t) =>
  withApp(t, async (app) => {
    await app.step("first run screen", async () => {
      assert.equal(await app.browser.getTitle(), "Nansen");
      await app.waitFor("[data-testid=first-run]");
      assert.match(await app.text("[data-testid=fr-warning]"), /headquarters/);
      // The first field has the focus: the form can be filled from the keyboard at once.
      assert.equal(await app.execute(() => document.activeElement?.id ?? ""), "fr-office");
    });

    await app.step("switched to russian", async () => {
      await app.click("[data-testid=lang-ru]");
      await app.waitForText("[data-testid=first-run] h1", "Настройка Нансена на этом компьютере");
      assert.equal(await app.execute(() => document.documentElement.lang), "ru");
    });

    await app.step("minimum window size 1024x640", async () => {
      await app.browser.setWindowSize(1024, 640);
      await app.waitFor(async () => (await app.execute(() => innerWidth)) === 1024);
      await assertNoHorizontalOverflow(app, "first run");
      assert.ok(await app.$("[data-testid=fr-office]").isDisplayed());
    });

    await app.step("back to english", async () => {
      await app.click("[data-testid=lang-en]");
      await app.waitForText("[data-testid=first-run] h1", "Set up Nansen on this laptop");
      // The app version and data dir come from the backend (app_state).
      const state = await app.execute(async () => {
        const s = await globalThis.__TAURI_INTERNALS__.invoke("app_state");
        return { version: s.version, data_dir: s.data_dir, state: s.state };
      });
      assert.deepEqual(state, { version: WORKSPACE_VERSION, data_dir: app.dataDir, state: "uninitialised" });
    });

    await assertNoCspViolations(app);
  }));

test("security: ACL refuses ungranted commands, CSP blocks inline styles and other origins", (t) =>
  withApp(t, async (app) => {
    // withGlobalTauri is off: no window.__TAURI__ for injected scripts to use.
    assert.equal(await app.execute(() => typeof globalThis.__TAURI__), "undefined");
    // Core plugins are not granted to the window, so this must be refused.
    const result = await app
      .execute(async () => {
        try {
          return { ok: true, value: await globalThis.__TAURI_INTERNALS__.invoke("plugin:app|version") };
        } catch (error) {
          return { ok: false, error: String(error?.message ?? error) };
        }
      })
      // WebKitWebDriver may surface the rejection as a script error instead.
      .catch((error) => ({ ok: false, error: String(error?.message ?? error) }));

    // The CSP is enforced: an inline style attribute and a request to any
    // origin other than the IPC one are blocked (and reported).
    const csp = await app.execute(async () => {
      const el = document.createElement("div");
      el.setAttribute("style", "width: 123px");
      document.body.append(el);
      const width = el.getBoundingClientRect().width;
      el.remove();
      let request;
      try {
        // Loopback discard port: never leaves the machine even if CSP failed.
        await fetch("http://127.0.0.1:9/");
        request = "allowed";
      } catch {
        request = "blocked";
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { width, request, violations: globalThis.__nansenCspViolations };
    });
    assert.notEqual(csp.width, 123, "inline style attribute was applied");
    assert.equal(csp.request, "blocked");
    assert.deepEqual(csp.violations, ["style-src-attr inline", "connect-src http://127.0.0.1:9/"]);
    await app.screenshot("after security probes");
    assert.equal(result.ok, false, `expected a refusal, got ${JSON.stringify(result)}`);
    assert.match(result.error, /not allowed|denied|permission/i);
  }));

test("every screen fits 1024x640 and is reachable from the keyboard", async (t) => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { nansen } = await import("../cli.mjs");
  const { unlock } = await import("../flows.mjs");
  const root = mkdtempSync(join(tmpdir(), "nansen-e2e-screens-"));
  const dir = join(root, "data");
  nansen(dir, ["init", "--office", "Osh", "--user", "Dilnoza"]);
  nansen(dir, ["demo"]);
  // `list --json` prints a page: `{ items, next, total }`.
  const first = (args) => nansen(dir, args, { json: true }).items[0].id;
  const person = first(["person", "list", "--q", "Karimov"]);
  const group = first(["group", "list"]);
  const event = first(["event", "list"]);
  try {
    await withApp(
      t,
      async (app) => {
        await unlock(app);
        await app.browser.setWindowSize(1024, 640);
        await app.waitFor(async () => (await app.execute(() => innerWidth)) === 1024);
        const screens = [
          "dashboard",
          "persons",
          `persons/${person}`,
          `persons/${person}/edit`,
          "groups",
          `groups/${group}`,
          "events",
          `events/${event}`,
          `events/new?victim=${person}`,
          `statuses/new?person=${person}`,
          "locations/new",
          "actors/new",
          "sources/new",
          "interventions/new",
          "locations",
          "actors",
          "sources",
          "interventions",
          "sync",
          "sync?tab=import",
          "sync?tab=status",
          "conflicts",
          "duplicates",
          "audit",
          "settings",
        ];
        for (const path of screens) {
          await app.step(`1024x640 ${path.replace(/[0-9a-f-]{36}/, "id")}`, async () => {
            await app.execute((p) => (location.hash = `#/${p}`), path);
            await app.waitFor(async () => (await app.execute(() => document.querySelector("main h1")?.textContent ?? "")) !== "");
            await assertNoHorizontalOverflow(app, path);
          });
        }
        // Keyboard: Tab from the top reaches the navigation, then the page.
        await app.execute(() => (location.hash = "#/persons"));
        await app.waitFor("[data-testid=person-table]");
        await app.execute(() => document.activeElement?.blur());
        const reached = new Set();
        for (let i = 0; i < 25; i++) {
          await app.keys("Tab");
          reached.add(await app.execute(() => document.activeElement?.getAttribute("data-section") ?? document.activeElement?.id ?? ""));
        }
        for (const id of ["persons", "conflicts", "settings", "person-search"]) assert.ok(reached.has(id), `Tab never reached ${id}`);
        await assertNoCspViolations(app);
      },
      { env: { NANSEN_DATA_DIR: dir } },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/**
 * Every placeholder, label and help text of the page that is cut off: an element
 * whose content is wider than its box, or a placeholder wider than its field (the
 * placeholder is not content, so it is measured in the field's own font).
 */
async function clippedTexts(app) {
  return app.execute(() => {
    const clipped = [];
    // Visually hidden labels (for screen readers) are cut on purpose.
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !el.closest(".sr-only");
    const name = (el) => el.id || el.getAttribute("data-testid") || el.className || el.tagName;
    const context = document.createElement("canvas").getContext("2d");
    for (const input of document.querySelectorAll("main input[placeholder], main textarea[placeholder]")) {
      if (!visible(input) || !input.placeholder || input.value) continue;
      const style = getComputedStyle(input);
      context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const needed = context.measureText(input.placeholder).width;
      if (needed > room + 1 || input.scrollWidth > input.clientWidth) {
        clipped.push(`placeholder of ${name(input)} "${input.placeholder}": ${Math.ceil(needed)} > ${Math.floor(room)} px`);
      }
    }
    for (const el of document.querySelectorAll("main .hint, main .field-error, main label, main .date-reading, main .date-input")) {
      if (!visible(el) || !el.textContent.trim()) continue;
      // WebKit gives a box that does not scroll its own width as scrollWidth, so the
      // text's own extent is measured too.
      const text = document.createRange();
      text.selectNodeContents(el);
      const box = el.getBoundingClientRect();
      const extent = text.getBoundingClientRect();
      const beyond = Math.max(0, extent.right - box.right, box.left - extent.left);
      if (el.scrollWidth > el.clientWidth + 1 || beyond > 1) {
        clipped.push(`${name(el)} "${el.textContent.trim()}": ${Math.ceil(extent.width)} px of text in ${el.clientWidth} px`);
      }
    }
    // An example date in a hint is whole on one line ("2005-" / "06-09" is two dates to a reader).
    for (const el of document.querySelectorAll("main .hint .nowrap")) {
      if (visible(el) && el.getClientRects().length > 1) clipped.push(`"${el.textContent}" broken across lines`);
    }
    // A date's reading ("c. 1975") is one line, never broken beside its field.
    for (const el of document.querySelectorAll("main .date-reading")) {
      const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.6;
      if (el.getBoundingClientRect().height > lineHeight * 1.5) clipped.push(`${name(el)} "${el.textContent.trim()}" wraps`);
    }
    return clipped;
  });
}

test("the Russian filter labels agree with their nouns, and no placeholder or help text is clipped at 1024x640", async (t) => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { nansen } = await import("../cli.mjs");
  const { unlock } = await import("../flows.mjs");
  const root = mkdtempSync(join(tmpdir(), "nansen-e2e-wording-"));
  const dir = join(root, "data");
  nansen(dir, ["init", "--office", "Osh", "--user", "Dilnoza"]);
  nansen(dir, ["demo"]);
  const first = (args) => nansen(dir, args, { json: true }).items[0].id;
  const person = first(["person", "list", "--q", "Karimov"]);
  const event = first(["event", "list"]);
  const go = async (app, path, ready) => {
    await app.execute((p) => (location.hash = `#/${p}`), path);
    await app.waitFor(ready);
  };
  try {
    await withApp(
      t,
      async (app) => {
        await unlock(app);

        await app.step("persons list in russian: 'any' agrees with each filter", async () => {
          await app.click("[data-testid=lang-ru]");
          await go(app, "persons", "[data-testid=person-table]");
          const filters = await app.execute(() => {
            const labelled = (id) => ({
              label: document.querySelector(`label[for=${id}]`)?.textContent.trim(),
              any: document.getElementById(id)?.tagName === "SELECT" ? document.getElementById(id).options[0].textContent.trim() : document.getElementById(id)?.placeholder,
            });
            return [labelled("person-status"), labelled("person-location"), labelled("person-group")];
          });
          assert.deepEqual(filters, [
            { label: "Текущий статус защиты", any: "Любой" },
            { label: "Место", any: "Любое" },
            { label: "Группа", any: "Любая" },
          ]);
        });

        const screens = [
          ["persons", "[data-testid=person-table]"],
          ["persons/new", "[data-testid=person-form]"],
          [`persons/${person}/edit`, "[data-testid=person-form]"],
          [`events/new?victim=${person}`, "[data-testid=event-form]"],
          [`events/${event}/edit`, "[data-testid=event-form]"],
        ];
        for (const [width, height] of [
          [1280, 800],
          [1024, 640],
        ]) {
          await app.browser.setWindowSize(width, height);
          await app.waitFor(async () => (await app.execute(() => innerWidth)) === width);
          for (const lng of ["en", "ru"]) {
            await app.click(`[data-testid=lang-${lng}]`);
            await app.waitFor(async () => (await app.execute(() => document.documentElement.lang)) === lng);
            for (const [path, ready] of screens) {
              await app.step(`${width}x${height} ${lng} ${path.replace(/[0-9a-f-]{36}/, "id")}`, async () => {
                await go(app, path, ready);
                // A date's reading beside its field, as it shows while a date is typed.
                if (path.startsWith("persons/new")) await app.type("#p-birth", "1975~");
                if (path.startsWith("events/new")) await app.type("#e-date", "2005-06-09%");
                assert.deepEqual(await clippedTexts(app), [], `clipped on ${path} (${lng}, ${width}x${height})`);
              });
            }
          }
        }
      },
      { env: { NANSEN_DATA_DIR: dir } },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

