// Scenario 1, records: set up in the UI, record a person with a Cyrillic name
// and a Latin spelling, a detention centre, and a detention event; the person's
// timeline and current status follow; the person is found by another spelling;
// the interface switches to Russian.
import assert from "node:assert/strict";
import { test } from "node:test";
import { withApp } from "../harness.mjs";
import { assertNoCspViolations, assertNoHorizontalOverflow, firstRun, nav, pick, select } from "../flows.mjs";

test("records: person, detention centre, detention event, timeline, search by alias, Russian", (t) =>
  withApp(t, async (app) => {
    await app.step("first run set up in the UI", () => firstRun(app, { office: "Osh", user: "Dilnoza" }));

    await app.step("persons list is empty", async () => {
      // The home screen is the dashboard; the list is a click away.
      await app.waitFor("[data-testid=view-dashboard]");
      await nav(app, "persons");
      await app.waitFor("[data-testid=persons-empty]");
      assert.equal(await app.text("[data-testid=who-office]"), "Osh");
    });

    let personUrl;
    await app.step("new person with a Cyrillic name and a Latin spelling", async () => {
      // "n" on a list page opens the form (keyboard only).
      await app.execute(() => document.getElementById("main")?.focus());
      await app.keys("n");
      await app.waitFor("[data-testid=person-form]");
      assert.equal(await app.execute(() => document.activeElement?.id), "p-name");
      // (WebDriver key actions drop repeated letters, so text goes in with setValue.)
      await app.type("[data-testid=p-name]", "Дилшод Абдуллаев");
      await app.type("[data-testid=p-lang]", "uz-Cyrl");
      await app.click("[data-testid=aliases-add]");
      await app.type("[data-testid=aliases-text]", "Dilshod Abdullayev");
      await app.type("[data-testid=aliases-lang]", "uz-Latn");
      await app.type("#p-birth", "1975~");
      // Ctrl+Enter saves from any field.
      await app.keys(["Control", "Enter"]);
      await app.waitFor("[data-testid=person-page]");
      assert.match(await app.text("[data-testid=person-name]"), /Дилшод Абдуллаев/);
      assert.match(await app.text("[data-testid=aliases]"), /Dilshod Abdullayev\s*uz-Latn/);
      personUrl = await app.execute(() => location.hash);
    });

    await app.step("new location: a detention centre", async () => {
      await nav(app, "locations");
      await app.click("[data-testid=new-location]");
      await app.waitFor("[data-testid=location-form]");
      await app.type("[data-testid=l-name]", "Osh detention centre");
      await select(app, "#l-type", "detention_centre");
      await app.click("[data-testid=l-aliases-add]");
      await app.type("[data-testid=l-aliases-text]", "Ошский изолятор");
      await app.click("[data-testid=form-save]");
      await app.waitFor("[data-testid=location-page]");
      assert.equal(await app.text("[data-testid=record-title]"), "Osh detention centre");
      assert.equal(await app.text("[data-testid=field-type]"), "Detention centre");
    });

    await app.step("detention event with the person as victim", async () => {
      await app.execute((url) => (location.hash = url), personUrl);
      await app.waitFor("[data-testid=person-page]");
      await app.click("[data-testid=add-event]");
      await app.waitFor("[data-testid=event-form]");
      // The person is already a victim.
      await app.waitFor(async () => (await app.$$("[data-testid=e-victim-chip]")).length === 1);
      await select(app, "[data-testid=e-type]", "detention");
      await app.waitFor("[data-testid=e-implies]");
      await app.type("[data-testid=e-date]", "2005-06-10");
      await pick(app, "e-location", "Ошский", "Osh detention centre");
      await app.type("[data-testid=e-title]", "Taken to the Osh detention centre");
      await app.click("[data-testid=form-save]");
      await app.waitFor("[data-testid=person-page]");
    });

    await app.step("timeline shows the event and the current status is detained", async () => {
      await app.waitFor("[data-testid=timeline-item]");
      const items = await app.$$("[data-testid=timeline-item]");
      assert.equal(items.length, 1);
      const text = await items[0].getText();
      assert.match(text, /Detention/i); // shown in capitals
      assert.match(text, /Taken to the Osh detention centre/);
      assert.match(text, /Osh detention centre/);
      assert.match(text, /Victim/);
      assert.match(text, /10 June 2005/);
      assert.equal(await app.$("[data-testid=current-protection-value]").getAttribute("data-value"), "detained");
      assert.equal(await app.text("[data-testid=current-protection-value]"), "Detained");
      assert.match(await app.text("[data-testid=current-protection]"), /Osh detention centre/);
    });

    await app.step("at 1024x640 the person page still fits", async () => {
      await app.browser.setWindowSize(1024, 640);
      await app.waitFor(async () => (await app.execute(() => innerWidth)) === 1024);
      await assertNoHorizontalOverflow(app, "person page");
      assert.ok(await app.$("[data-testid=lock-now]").isDisplayed({ withinViewport: true }));
    });

    await app.step("found again by another spelling", async () => {
      await nav(app, "persons");
      await app.waitFor("[data-testid=person-table]");
      // "/" focuses the search field.
      await app.execute(() => document.getElementById("main")?.focus());
      await app.keys("/");
      assert.equal(await app.execute(() => document.activeElement?.id), "person-search");
      // Neither stored spelling: the backend folds transliterations.
      await app.type("[data-testid=person-search]", "Abdullaev");
      await app.waitFor(async () => (await app.$$("[data-testid=person-row]")).length === 1);
      assert.equal(await app.text("[data-testid=person-link]"), "Дилшод Абдуллаев");
      assert.match(await app.text("[data-testid=person-aliases]"), /Dilshod Abdullayev/);
      assert.equal(await app.$("[data-testid=person-status] .status").getAttribute("data-value"), "detained");
      await app.type("[data-testid=person-search]", "Karimov");
      await app.waitFor("[data-testid=persons-empty]");
      await app.type("[data-testid=person-search]", "Дилшод");
      await app.waitFor(async () => (await app.$$("[data-testid=person-row]")).length === 1);
    });

    await app.step("the interface in Russian", async () => {
      await app.click("[data-testid=lang-ru]");
      await app.waitForText("[data-section=persons]", "Лица");
      assert.equal(await app.text("[data-testid=view-persons] h1"), "Лица");
      assert.equal(await app.text("[data-testid=lock-now]"), "Заблокировать");
      assert.match(await app.text("[data-testid=person-count]"), /^1 человек/);
      assert.equal(await app.text("[data-testid=person-status] .status"), "Под стражей");
      assert.equal(await app.text("[data-section=settings]"), "Настройки");
      await assertNoHorizontalOverflow(app, "persons in Russian");
    });

    await app.step("a validation error from the core, in Russian", async () => {
      // The form lets this through; the core's record rules refuse it, and the UI
      // shows the core's message (reason event_ends_before_start) in Russian.
      await nav(app, "events");
      await app.click("[data-testid=new-event]");
      await app.waitFor("[data-testid=event-form]");
      await select(app, "[data-testid=e-type]", "detention");
      await app.type("[data-testid=e-date]", "2005-06-10");
      await app.type("[data-testid=e-end]", "2005-06-01");
      await app.click("[data-testid=form-save]");
      await app.waitFor("[data-testid=form-error]");
      assert.equal(
        await app.text("[data-testid=form-error]"),
        "Событие не может закончиться раньше, чем началось",
      );
      assert.ok(await app.$("[data-testid=event-form]").isDisplayed(), "nothing was saved");
    });

    await assertNoCspViolations(app);
  }));
