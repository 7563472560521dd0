import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { info } from "../lib/session";
import type { OrgStatus, Strength } from "../lib/types";
import { fileToken, INFO, mockBackend, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import Settings from "./Settings.svelte";

afterEach(resetComponentTest);

const STORE_PASSPHRASE = "correct horse battery staple";
const strong = (): Strength => ({ score: 4, warning: null, suggestions: [], acceptable: true });
const backupReport = (storePassphrase: boolean) => ({
  path: "/media/usb/osh.nansen-backup",
  bytes: 2048,
  attachments: 0,
  created_at: "2026-01-15T10:00:00Z",
  store_passphrase: storePassphrase,
});

describe("Settings: backup", () => {
  it("writes a backup under the store's passphrase, asked for first", async () => {
    const backend = mockBackend({ backup: backupReport(true) });
    await unlockedSession();
    render(Settings);
    const section = screen.getByTestId("backup-section");
    await fireEvent.click(within(section).getByTestId("backup-submit"));
    expect(screen.getByTestId("backup-error").textContent).toContain("Choose where to write the backup.");
    await fireEvent.input(screen.getByTestId("backup-path"), { target: { value: "/media/usb/osh.nansen-backup" } });
    await fireEvent.click(screen.getByTestId("backup-submit"));
    expect(screen.getByTestId("backup-error").textContent).toContain("Type your current passphrase.");
    expect(backend.argsOf("backup")).toHaveLength(0);

    await fireEvent.input(screen.getByTestId("backup-passphrase"), { target: { value: STORE_PASSPHRASE } });
    await fireEvent.click(screen.getByTestId("backup-submit"));
    const done = await screen.findByTestId("backup-done");
    expect(done.textContent).toContain("The backup was written to /media/usb/osh.nansen-backup (2 kB).");
    expect(done.textContent).toContain("It opens with this store's passphrase.");
    expect(backend.argsOf("backup")).toEqual([
      { file: fileToken("backup_out", "/media/usb/osh.nansen-backup"), passphrase: STORE_PASSPHRASE, other: null },
    ]);
    // Nothing secret stays in the form.
    expect((screen.getByTestId("backup-passphrase") as HTMLInputElement).value).toBe("");
  });

  it("takes another passphrase only when typed twice, and says a wrong store passphrase is wrong", async () => {
    let wrong = true;
    const backend = mockBackend({
      passphrase_strength: strong,
      backup: () => {
        if (wrong) throw { code: "wrong_passphrase", message: "wrong passphrase", retry_after_ms: 0 };
        return backupReport(false);
      },
    });
    await unlockedSession();
    render(Settings);
    await fireEvent.input(screen.getByTestId("backup-path"), { target: { value: "/media/usb/osh.nansen-backup" } });
    await fireEvent.input(screen.getByTestId("backup-passphrase"), { target: { value: "not the passphrase" } });
    expect(screen.queryByTestId("backup-new")).toBeNull();
    await fireEvent.click(screen.getByTestId("backup-other"));
    await fireEvent.input(screen.getByTestId("backup-new"), { target: { value: "river lantern orchard velvet" } });
    await fireEvent.input(screen.getByTestId("backup-confirm"), { target: { value: "river lantern orchard" } });
    await fireEvent.click(screen.getByTestId("backup-submit"));
    expect(screen.getByTestId("backup-error").textContent).toContain("The passphrases do not match.");
    expect(backend.argsOf("backup")).toHaveLength(0);

    await fireEvent.input(screen.getByTestId("backup-confirm"), { target: { value: "river lantern orchard velvet" } });
    await waitFor(() => expect(document.getElementById("backup-strength")!.dataset.score).toBe("4"));
    await fireEvent.click(screen.getByTestId("backup-submit"));
    await waitFor(() => expect(screen.getByTestId("backup-error").textContent).toContain("The current passphrase is not correct."));

    wrong = false;
    await fireEvent.input(screen.getByTestId("backup-passphrase"), { target: { value: STORE_PASSPHRASE } });
    await fireEvent.click(screen.getByTestId("backup-submit"));
    expect((await screen.findByTestId("backup-done")).textContent).toContain("It opens with the other passphrase you typed.");
    expect(backend.argsOf("backup").at(-1)).toEqual({
      file: fileToken("backup_out", "/media/usb/osh.nansen-backup"),
      passphrase: STORE_PASSPHRASE,
      other: "river lantern orchard velvet",
    });
  });
});

const HQ = { ...INFO, office: "HQ", role: "hq" };
const OSH = "a482e0e3-952d-85f4-ae31-ad4d7f47094c";
const NEW_NUMBER = "11111 22222 33333 44444 55555 66666 77777 88888 99999 00000 12345 67890";
const BEFORE: OrgStatus = {
  fingerprint: "7197 e250 8e7d fd44",
  serial: 0,
  holds_org_key: true,
  safety_number: null,
  devices: [],
  retired: [],
};
const AFTER: OrgStatus = {
  fingerprint: "c0ff ee00 1234 5678",
  serial: 1,
  holds_org_key: true,
  safety_number: null,
  devices: [{ device: OSH, office: "Osh", role: "office", safety_number: NEW_NUMBER }],
  retired: [{ fingerprint: "7197 e250 8e7d fd44", serial: 1, retired_at: "2026-01-15T10:00:00Z" }],
};

describe("Settings: the organisation key", () => {
  it("headquarters sees the key and rotates it only after a confirmation saying what offices will see", async () => {
    const backend = mockBackend({ info: HQ, org_status: BEFORE, rotate_org_key: AFTER });
    await unlockedSession();
    info.set(HQ);
    render(Settings);
    await waitFor(() => expect(screen.getByTestId("orgkey-fingerprint").textContent).toBe(BEFORE.fingerprint));
    expect(screen.getByTestId("orgkey-holder").dataset.holds).toBe("true");
    expect(screen.getByTestId("orgkey-retired").textContent).toContain("never been rotated");

    await fireEvent.click(screen.getByTestId("orgkey-rotate"));
    const modal = screen.getByTestId("orgkey-modal");
    expect(modal.textContent).toContain("next bundle it imports from headquarters");
    expect(modal.textContent).toContain("Every safety number changes.");
    expect(modal.textContent).toContain("only the retired key vouches for");
    await fireEvent.click(within(modal).getByText("Cancel"));
    expect(screen.queryByTestId("orgkey-modal")).toBeNull();
    expect(backend.argsOf("rotate_org_key")).toHaveLength(0);

    await fireEvent.click(screen.getByTestId("orgkey-rotate"));
    await fireEvent.click(screen.getByTestId("orgkey-rotate-confirm"));
    await screen.findByTestId("orgkey-rotated");
    expect(backend.argsOf("rotate_org_key")).toHaveLength(1);
    expect(screen.queryByTestId("orgkey-modal")).toBeNull();
    expect(screen.getByTestId("orgkey-fingerprint").textContent).toBe(AFTER.fingerprint);
    expect(screen.getAllByTestId("orgkey-retired-key").map((li) => li.textContent)).toEqual([
      expect.stringContaining("7197 e250 8e7d fd44"),
    ]);
    expect(screen.getByTestId("orgkey-numbers").textContent).toContain("Osh");
    expect(screen.getByTestId("orgkey-number").dataset.value).toBe(NEW_NUMBER);
  });

  it("a rotation refused by the core is shown in the dialog", async () => {
    mockBackend({
      info: HQ,
      org_status: BEFORE,
      rotate_org_key: () => {
        throw { code: "trust", reason: "only_hq_rotates", params: {}, message: "only headquarters rotates the key" };
      },
    });
    await unlockedSession();
    info.set(HQ);
    render(Settings);
    await fireEvent.click(await screen.findByTestId("orgkey-rotate"));
    await fireEvent.click(screen.getByTestId("orgkey-rotate-confirm"));
    await waitFor(() =>
      expect(within(screen.getByTestId("orgkey-modal")).getByRole("alert").textContent).toBe(
        "Only a headquarters device that holds the organisation key can rotate it",
      ),
    );
    expect(screen.queryByTestId("orgkey-rotated")).toBeNull();
  });

  it("a second headquarters device without the key cannot rotate; an office has no such section", async () => {
    const backend = mockBackend({ info: HQ, org_status: { ...BEFORE, holds_org_key: false } });
    await unlockedSession();
    info.set(HQ);
    const { unmount } = render(Settings);
    await waitFor(() => expect(screen.getByTestId("orgkey-holder").dataset.holds).toBe("false"));
    expect(screen.queryByTestId("orgkey-rotate")).toBeNull();
    unmount();

    info.set(INFO);
    const calls = backend.argsOf("org_status").length;
    render(Settings);
    expect(screen.queryByTestId("orgkey-section")).toBeNull();
    expect(backend.argsOf("org_status")).toHaveLength(calls);
  });
});
