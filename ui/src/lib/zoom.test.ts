// The interface zoom: the keys (on the unlock screen and in the app), the
// Settings control, its bounds, and that the level outlives a restart.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { get } from "svelte/store";
import App from "../App.svelte";
import Settings from "../views/Settings.svelte";
import { navigate } from "./router";
import { mockBackend, unlockedSession, UNLOCKED } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import { setZoom, zoom, ZOOM_LEVELS } from "./zoom";

const rootZoom = () => document.documentElement.style.zoom;
const saved = () => localStorage.getItem("nansen.zoom");
const press = (key: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(window, { key, ctrlKey: true, ...init });

beforeEach(() => navigate("persons"));

afterEach(async () => {
  setZoom(100);
  localStorage.removeItem("nansen.zoom");
  await resetComponentTest();
});

describe("zoom", () => {
  it("Ctrl+= and Ctrl+- step through the levels in the app, and each step is kept", async () => {
    mockBackend();
    render(App);
    await screen.findByTestId("shell");
    expect(rootZoom()).toBe("");

    await press("=");
    expect(get(zoom)).toBe(110);
    expect(rootZoom()).toBe("1.1");
    expect(saved()).toBe("110");

    // Ctrl++ (Shift+= on most layouts) and the keypad's + zoom in too.
    await press("+", { shiftKey: true, code: "Equal" });
    await press("+", { code: "NumpadAdd" });
    expect(get(zoom)).toBe(150);
    expect(rootZoom()).toBe("1.5");

    await press("-");
    expect(get(zoom)).toBe(125);
    expect(saved()).toBe("125");
  });

  it("Ctrl+0 goes back to 100%, and a key without Ctrl does nothing", async () => {
    mockBackend();
    render(App);
    await screen.findByTestId("shell");
    await press("=");
    await press("=");
    await fireEvent.keyDown(window, { key: "=" });
    expect(get(zoom)).toBe(125);
    await press("0");
    expect(get(zoom)).toBe(100);
    expect(rootZoom()).toBe("");
    expect(saved()).toBe("100");
  });

  it("the keys work on the unlock screen too, before anything is unlocked", async () => {
    mockBackend({ app_state: { ...UNLOCKED, state: "locked", info: null } });
    render(App);
    await screen.findByTestId("unlock");
    await press("=");
    expect(rootZoom()).toBe("1.1");
  });

  it("stops at 80% and at 200%", async () => {
    mockBackend();
    render(App);
    await screen.findByTestId("shell");
    for (let i = 0; i < ZOOM_LEVELS.length + 3; i++) await press("=");
    expect(get(zoom)).toBe(200);
    expect(rootZoom()).toBe("2");
    for (let i = 0; i < ZOOM_LEVELS.length + 3; i++) await press("-");
    expect(get(zoom)).toBe(80);
    expect(rootZoom()).toBe("0.8");
    expect(() => setZoom(300)).toThrow(/unsupported zoom level/);
    expect(get(zoom)).toBe(80);
  });

  it("the level outlives a restart, and a tampered value falls back to 100%", async () => {
    setZoom(175);
    document.documentElement.style.zoom = "";
    vi.resetModules();
    const restarted = await import("./zoom");
    expect(get(restarted.zoom)).toBe(175);
    expect(rootZoom()).toBe("1.75");

    localStorage.setItem("nansen.zoom", "999");
    vi.resetModules();
    expect(get((await import("./zoom")).zoom)).toBe(100);
    expect(rootZoom()).toBe("");
  });

  it("Settings shows the level and changes it with its list and buttons", async () => {
    mockBackend();
    await unlockedSession();
    render(Settings);
    const level = screen.getByTestId("zoom-level") as HTMLSelectElement;
    expect(level.value).toBe("100");
    expect([...level.options].map((o) => o.textContent)).toEqual(["80%", "90%", "100%", "110%", "125%", "150%", "175%", "200%"]);

    await fireEvent.change(level, { target: { value: "150" } });
    expect(get(zoom)).toBe(150);
    expect(rootZoom()).toBe("1.5");
    expect(saved()).toBe("150");

    await fireEvent.click(screen.getByTestId("zoom-larger"));
    expect(level.value).toBe("175");
    await fireEvent.click(screen.getByTestId("zoom-larger"));
    expect(level.value).toBe("200");
    expect((screen.getByTestId("zoom-larger") as HTMLButtonElement).disabled).toBe(true);

    // A key press elsewhere shows in the list.
    setZoom(90);
    await fireEvent.click(screen.getByTestId("zoom-smaller"));
    expect(level.value).toBe("80");
    expect((screen.getByTestId("zoom-smaller") as HTMLButtonElement).disabled).toBe(true);
    expect(rootZoom()).toBe("0.8");
  });

  it("a zoom change tells the window it was resized, for the charts", async () => {
    const resized = vi.fn();
    window.addEventListener("resize", resized);
    try {
      setZoom(125);
      expect(resized).toHaveBeenCalledTimes(1);
    } finally {
      window.removeEventListener("resize", resized);
    }
  });
});
