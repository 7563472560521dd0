import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { setLanguage } from "../lib/i18n";
import { session } from "../lib/session";
import type { SessionState, Strength } from "../lib/types";
import { mockBackend, UNLOCKED } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import FirstRun from "./FirstRun.svelte";
import Unlock from "./Unlock.svelte";

afterEach(async () => {
  vi.useRealTimers();
  await resetComponentTest();
});

describe("Unlock", () => {
  beforeEach(() => {
    session.set({ ...UNLOCKED, state: "locked", info: null });
  });

  it("shows a clear message and counts down before the next try", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout", "Date"] });
    const backend = mockBackend({
      unlock: () => {
        throw { code: "wrong_passphrase", message: "wrong passphrase; wait 3 s before the next try", retry_after_ms: 3000 };
      },
    });
    render(Unlock);
    await fireEvent.input(screen.getByTestId("unlock-passphrase"), { target: { value: "wrong horse" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await vi.waitFor(() => expect(screen.getByTestId("unlock-error").textContent).toContain("That passphrase is not correct."));
    const button = screen.getByTestId("unlock-submit") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.textContent).toContain("Wait 3 seconds");
    expect(screen.getByTestId("unlock-countdown").textContent).toContain("3 seconds");
    // The field is cleared for the next try.
    expect((screen.getByTestId("unlock-passphrase") as HTMLInputElement).value).toBe("");

    await act(() => vi.advanceTimersByTime(1100));
    expect(button.textContent).toContain("Wait 2 seconds");
    // Enter while waiting does nothing.
    await fireEvent.submit(screen.getByTestId("unlock"));
    expect(backend.argsOf("unlock")).toHaveLength(1);

    await act(() => vi.advanceTimersByTime(2100));
    expect(button.disabled).toBe(false);
    expect(button.textContent).toContain("Unlock");
  });

  it("too many attempts: says so, with the wait in Russian plural", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    await setLanguage("ru");
    mockBackend({
      unlock: () => {
        throw { code: "too_many_attempts", message: "too many wrong passphrases; wait 22 s", retry_after_ms: 22000 };
      },
    });
    render(Unlock);
    await fireEvent.input(screen.getByTestId("unlock-passphrase"), { target: { value: "x" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await vi.waitFor(() => expect(screen.getByTestId("unlock-error").dataset.code).toBe("too_many_attempts"));
    expect(screen.getByTestId("unlock-error").textContent).toContain("Слишком много неверных попыток.");
    expect(screen.getByTestId("unlock-submit").textContent).toContain("Подождите 22 секунды");
  });

  it("an unexpected error is shown, not thrown", async () => {
    mockBackend({
      unlock: () => {
        throw { code: "busy", message: "the store is in use by another Nansen window or command; close it and try again" };
      },
    });
    render(Unlock);
    await fireEvent.input(screen.getByTestId("unlock-passphrase"), { target: { value: "x" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    expect((await screen.findByTestId("unlock-error")).textContent).toContain("in use by another Nansen window");
    expect((screen.getByTestId("unlock-submit") as HTMLButtonElement).disabled).toBe(false);
  });

  it("unlocks with the right passphrase", async () => {
    const backend = mockBackend({ unlock: UNLOCKED });
    render(Unlock);
    await fireEvent.input(screen.getByTestId("unlock-passphrase"), { target: { value: "correct horse battery staple" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await waitFor(() => {
      let state = "";
      session.subscribe((s) => (state = s?.state ?? ""))();
      expect(state).toBe("unlocked");
    });
    expect(backend.argsOf("unlock")).toEqual([{ passphrase: "correct horse battery staple" }]);
  });

  it("says what a long unlock is likely doing (an upgrade), lest the app be closed", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let finish: (state: SessionState) => void = () => {};
    mockBackend({ unlock: () => new Promise<SessionState>((resolve) => (finish = resolve)) });
    render(Unlock);
    await fireEvent.input(screen.getByTestId("unlock-passphrase"), { target: { value: "correct horse battery staple" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    // The key derivation alone takes about a second: nothing is said meanwhile.
    await act(() => vi.advanceTimersByTime(3000));
    expect(screen.queryByTestId("unlock-slow")).toBeNull();
    await act(() => vi.advanceTimersByTime(1500));
    expect(screen.getByTestId("unlock-slow").textContent).toContain("Keep the app open");
    finish(UNLOCKED);
    await vi.waitFor(() => expect(screen.queryByTestId("unlock-slow")).toBeNull());
  });
});

describe("First run", () => {
  const strength = ({ passphrase }: Record<string, unknown>): Strength => {
    const n = String(passphrase).length;
    const score = n < 8 ? 0 : n < 16 ? 1 : n < 24 ? 3 : 4;
    return { score, warning: score < 2 ? "This is similar to a commonly used password." : null, suggestions: [], acceptable: score >= 2 };
  };

  it("shows the strength live and refuses a weak or unconfirmed passphrase", async () => {
    const backend = mockBackend({ passphrase_strength: strength, setup: UNLOCKED });
    render(FirstRun);
    expect(screen.getByTestId("fr-warning").textContent).toContain("recovered from the copies already sent to headquarters");
    await fireEvent.input(screen.getByTestId("fr-office"), { target: { value: "Osh" } });
    await fireEvent.input(screen.getByTestId("fr-user"), { target: { value: "Dilnoza" } });
    await fireEvent.input(screen.getByTestId("fr-passphrase"), { target: { value: "password1" } });
    await waitFor(() => expect(screen.getByTestId("strength").dataset.score).toBe("1"));
    // Two sentences, each with its full stop: the verdict, then zxcvbn's advice.
    expect(screen.getByTestId("strength-label").textContent).toBe("Weak — not accepted.");
    expect(screen.getByTestId("strength").textContent).toContain("Weak — not accepted. This is similar to a commonly used password.");
    await fireEvent.input(screen.getByTestId("fr-confirm"), { target: { value: "password1" } });
    await fireEvent.click(screen.getByTestId("fr-create"));
    expect(document.querySelector("[data-field=fr-passphrase]")!.textContent).toContain("too easy to guess");
    expect(backend.argsOf("setup")).toHaveLength(0);

    await fireEvent.input(screen.getByTestId("fr-passphrase"), { target: { value: "river lantern orchard velvet" } });
    await waitFor(() => expect(screen.getByTestId("strength-label").textContent).toBe("Very strong."));
    expect(document.querySelector("[data-field=fr-confirm]")!.textContent).toContain("do not match");
    await fireEvent.click(screen.getByTestId("fr-create"));
    expect(backend.argsOf("setup")).toHaveLength(0);
  });

  it("creates the store with office, name, passphrase and the HQ choice", async () => {
    const backend = mockBackend({ passphrase_strength: strength, setup: UNLOCKED });
    render(FirstRun);
    await fireEvent.input(screen.getByTestId("fr-office"), { target: { value: " HQ " } });
    await fireEvent.input(screen.getByTestId("fr-user"), { target: { value: "Anna" } });
    await fireEvent.input(screen.getByTestId("fr-passphrase"), { target: { value: "river lantern orchard velvet" } });
    await fireEvent.input(screen.getByTestId("fr-confirm"), { target: { value: "river lantern orchard velvet" } });
    await fireEvent.click(screen.getByTestId("fr-hq"));
    await waitFor(() => expect(screen.getByTestId("strength").dataset.score).toBe("4"));
    expect(screen.getByTestId("fr-match")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("fr-create"));
    await waitFor(() => expect(backend.argsOf("setup")).toHaveLength(1));
    expect(backend.argsOf("setup")[0]).toEqual({ office: "HQ", user: "Anna", passphrase: "river lantern orchard velvet", hq: true });
  });
});
