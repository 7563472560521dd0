import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { get } from "svelte/store";
import { session } from "../lib/session";
import type { RestoredSession } from "../lib/types";
import { fileToken, INFO, mockBackend, UNLOCKED } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import FirstRun from "./FirstRun.svelte";

afterEach(resetComponentTest);

const FILE = "/media/usb/osh.nansen-backup";
const PASSPHRASE = "correct horse battery staple";
const restored = (headquarters: boolean): RestoredSession => ({
  session: UNLOCKED,
  report: {
    device: INFO.device,
    previous_device: "a482e0e3-952d-85f4-ae31-ad4d7f47094c",
    office: headquarters ? "HQ" : "Osh",
    backed_up_at: "2026-01-10T09:30:00Z",
    headquarters,
    needs_enrolment: !headquarters,
  },
});

async function openRestore() {
  render(FirstRun);
  await fireEvent.click(screen.getByTestId("fr-restore"));
  return screen.getByTestId("restore");
}

describe("First run: restoring a backup", () => {
  it("restores an office's backup, says it must be enrolled again, then opens the records", async () => {
    session.set({ ...UNLOCKED, state: "uninitialised", info: null });
    const backend = mockBackend({ restore_backup: restored(false) });
    await openRestore();
    await fireEvent.click(screen.getByTestId("restore-submit"));
    expect(screen.getByTestId("restore-error").textContent).toContain("Choose the backup file.");
    await fireEvent.input(screen.getByTestId("restore-path"), { target: { value: FILE } });
    await fireEvent.click(screen.getByTestId("restore-submit"));
    expect(screen.getByTestId("restore-error").textContent).toContain("Type the backup's passphrase.");
    expect(backend.argsOf("restore_backup")).toHaveLength(0);

    await fireEvent.input(screen.getByTestId("restore-passphrase"), { target: { value: PASSPHRASE } });
    await fireEvent.click(screen.getByTestId("restore-submit"));
    const done = await screen.findByTestId("restore-done");
    expect(backend.argsOf("restore_backup")).toEqual([{ file: fileToken("backup_in", FILE), passphrase: PASSPHRASE }]);
    expect(done.textContent).toContain("The backup of Osh made on");
    expect(done.textContent).toContain("new device identity");
    expect(screen.getByTestId("restore-enrol").textContent).toContain("Enrol this laptop with headquarters again");
    expect(screen.queryByTestId("restore-hq")).toBeNull();
    // The records open only when the person has read what the restore did.
    expect(get(session)?.state).toBe("uninitialised");
    await fireEvent.click(screen.getByTestId("restore-continue"));
    await waitFor(() => expect(get(session)?.state).toBe("unlocked"));
  });

  it("a headquarters backup: enrolled at once, with the advice to revoke and rotate", async () => {
    mockBackend({ restore_backup: restored(true) });
    await openRestore();
    await fireEvent.input(screen.getByTestId("restore-path"), { target: { value: FILE } });
    await fireEvent.input(screen.getByTestId("restore-passphrase"), { target: { value: PASSPHRASE } });
    await fireEvent.submit(screen.getByTestId("restore"));
    expect((await screen.findByTestId("restore-hq")).textContent).toContain("rotate the organisation key");
    expect(screen.queryByTestId("restore-enrol")).toBeNull();
  });

  it("a wrong passphrase or a damaged file is said plainly, and the person can go back to creating a store", async () => {
    let answer: Record<string, unknown> = { code: "wrong_passphrase", message: "wrong passphrase", retry_after_ms: 0 };
    const backend = mockBackend({
      restore_backup: () => {
        throw answer;
      },
    });
    await openRestore();
    await fireEvent.input(screen.getByTestId("restore-path"), { target: { value: FILE } });
    await fireEvent.input(screen.getByTestId("restore-passphrase"), { target: { value: "wrong horse" } });
    await fireEvent.click(screen.getByTestId("restore-submit"));
    await waitFor(() => expect(screen.getByTestId("restore-error").textContent).toContain("That passphrase does not open this backup."));

    answer = {
      code: "invalid",
      reason: "backup_damaged",
      params: { detail: "it ends early: the file is truncated" },
      message: "the backup is damaged or incomplete (it ends early: the file is truncated); nothing was restored",
    };
    await fireEvent.click(screen.getByTestId("restore-submit"));
    await waitFor(() => expect(screen.getByTestId("restore-error").textContent).toContain("nothing was restored"));
    expect(backend.argsOf("restore_backup")).toHaveLength(2);
    expect(screen.queryByTestId("restore-done")).toBeNull();

    await fireEvent.click(screen.getByTestId("restore-back"));
    expect(screen.getByTestId("first-run")).toBeTruthy();
    expect(screen.queryByTestId("restore")).toBeNull();
  });
});
