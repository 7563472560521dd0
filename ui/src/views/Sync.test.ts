import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import type { Channel } from "@tauri-apps/api/core";
import type { ImportReport, PeerStatus, Progress } from "../lib/types";
import { fileToken, mockBackend, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import Sync from "./Sync.svelte";

const PERSON = "01a22290-62c8-7236-aeed-1efd697d4da7";

function report(dryRun: boolean): ImportReport {
  return {
    file: "/media/usb/a2.nansen",
    bundle_id: "01a22290-63b6-7746-983b-f0881b3e77e6",
    sender_device: "a482e0e3",
    sender_office: "Jalal-Abad",
    sender_role: "office",
    sender_user: "Timur",
    created_at: "2005-06-14T10:00:00Z",
    full: false,
    dry_run: dryRun,
    already_imported: false,
    file_bytes: 4025,
    changes_in_bundle: 3,
    ops_in_bundle: 5,
    duplicates: 1,
    new_changes: 2,
    applied: 2,
    waiting: 0,
    held: 1,
    clock_ahead: 0,
    released: 0,
    forged: 0,
    withdrawn: 0,
    attachments: 0,
    possible_duplicates: 0,
    unchecked: 0,
    new_devices: [],
    new_revocations: [],
    effects: {
      created_count: 1,
      updated_count: 1,
      deleted_count: 0,
      conflicts_opened_count: 1,
      links_added: 0,
      links_removed: 0,
      created: [{ kind: "event", id: "ev-new" }],
      updated: [{ kind: "person", id: "p-other", field: "sex", before: null, after: "male" }],
      deleted: [],
      conflicts_opened: [
        {
          kind: "person",
          id: PERSON,
          field: "name",
          before: { text: "Азиз Кәримов", lang: "uz-Cyrl" },
          after: { text: "Aziz Karimov", lang: "uz-Latn" },
        },
      ],
    },
    labels: { [PERSON]: "Азиз Кәримов", "ev-new": "Camp surrounded", "p-other": "Ботир Саидов" },
    warnings: ["the sender's clock is 3 days ahead of this laptop's"],
  };
}

const PEERS: PeerStatus[] = [
  {
    device: "a482e0e3-952d-85f4-ae31-ad4d7f47094c",
    office: "Jalal-Abad",
    role: "office",
    enrolled: true,
    revoked: false,
    last_received_at: "2005-06-14T10:00:00Z",
    last_received_bundle: "01a22290-634e-701f-a6b4-3bdb962a3b52",
    last_received_changes: 1,
    acknowledged: [{ device: "56f66554", office: "Osh", seq: 7 }],
    last_sent_at: null,
    last_sent_bundle: null,
    last_sent_changes: null,
    waiting_to_send: 5,
  },
];

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    peers: PEERS,
    import_preview: () => report(true),
    import_apply: ({ onProgress }: Record<string, unknown>) => {
      const channel = onProgress as Channel<Progress>;
      channel.onmessage({ stage: "verifying", done: 0, total: 0 });
      channel.onmessage({ stage: "applying", done: 0, total: 3 });
      channel.onmessage({ stage: "done", done: 3, total: 3 });
      return report(false);
    },
    export_bundle: ({ onProgress, peer, full, file }: Record<string, unknown>) => {
      (onProgress as Channel<Progress>).onmessage({ stage: "done", done: 4, total: 4 });
      return {
        bundle_id: "b1",
        path: String(file).replace("file:export_bundle:", ""),
        full,
        peer,
        recipients: [{ device: "a482", office: "Jalal-Abad" }],
        escrow: true,
        changes: 4,
        ops: 9,
        origins: 1,
        attachments: 0,
        missing_attachments: 0,
        bytes: 5000,
      };
    },
  });
  await unlockedSession();
});

afterEach(resetComponentTest);

describe("Import", () => {
  it("previews (nothing written), shows the conflict it will open, then confirms with progress", async () => {
    render(Sync);
    await fireEvent.click(screen.getByTestId("tab-import"));
    await fireEvent.input(screen.getByTestId("import-path"), { target: { value: "/media/usb/a2.nansen" } });
    await fireEvent.click(screen.getByTestId("import-preview-button"));

    const preview = await screen.findByTestId("import-preview");
    expect(backend.argsOf("import_preview")).toEqual([{ file: fileToken("import_bundle", "/media/usb/a2.nansen") }]);
    expect(backend.argsOf("import_apply")).toHaveLength(0);
    expect(preview.textContent).toContain("From Jalal-Abad (Timur)");
    const conflicts = within(preview).getByTestId("import-conflicts");
    expect(conflicts.textContent).toContain("This import will open 1 conflict.");
    expect(conflicts.textContent).toContain("Азиз Кәримов");
    expect(conflicts.textContent).toContain("Aziz Karimov");
    expect(within(preview).getByTestId("import-created").textContent).toContain("Camp surrounded");
    expect(within(preview).getByTestId("import-updated").textContent).toContain("Ботир Саидов");
    expect(within(preview).getByTestId("import-held").textContent).toBe("1");
    expect(within(preview).getByTestId("import-warnings").textContent).toContain("3 days ahead");

    await fireEvent.click(screen.getByTestId("import-confirm"));
    const result = await screen.findByTestId("import-result");
    const apply = backend.argsOf("import_apply");
    expect(apply).toHaveLength(1);
    expect(apply[0].file).toBe(fileToken("import_bundle", "/media/usb/a2.nansen"));
    expect(screen.getByTestId("import-done").textContent).toContain("Import complete");
    expect(screen.getByTestId("import-progress").dataset.stage).toBe("done");
    expect(result.textContent).toContain("This import opened 1 conflict.");
    // Links to the records it touched.
    const link = within(result).getByText("Camp surrounded") as HTMLAnchorElement;
    expect(link.getAttribute("href")).toBe("#/events/ev-new");
    expect(screen.queryByTestId("import-preview")).toBeNull();
  });

  it("shows why a bundle is rejected, and does not offer to confirm", async () => {
    mockBackend({
      peers: PEERS,
      import_preview: () => {
        throw { code: "bundle_rejected", message: "bundle rejected: its signature does not match its content; nothing was imported" };
      },
    });
    render(Sync);
    await fireEvent.click(screen.getByTestId("tab-import"));
    await fireEvent.input(screen.getByTestId("import-path"), { target: { value: "/tmp/forged.nansen" } });
    await fireEvent.click(screen.getByTestId("import-preview-button"));
    expect((await screen.findByTestId("import-error")).textContent).toContain("signature does not match");
    expect(screen.queryByTestId("import-confirm")).toBeNull();
  });
});

describe("Export", () => {
  it("exports for the chosen office to a typed path and reports what it wrote", async () => {
    render(Sync);
    const select = (await screen.findByTestId("export-recipient")) as HTMLSelectElement;
    await waitFor(() => expect(select.value).toBe("Jalal-Abad"));
    await fireEvent.input(screen.getByTestId("export-path"), { target: { value: "/media/usb/osh-to-ja.nansen" } });
    await fireEvent.click(screen.getByTestId("export-submit"));
    const result = await screen.findByTestId("export-result");
    const args = backend.argsOf("export_bundle")[0];
    expect([args.peer, args.full, args.file]).toEqual(["Jalal-Abad", false, fileToken("export_bundle", "/media/usb/osh-to-ja.nansen")]);
    expect(result.textContent).toContain("Exported 4 changes.");
    expect(result.textContent).toContain("Jalal-Abad");
  });
});

describe("Sync status", () => {
  it("shows per office what was received, acknowledged and is waiting", async () => {
    render(Sync);
    await fireEvent.click(screen.getByTestId("tab-status"));
    const row = (await screen.findAllByTestId("peer-row"))[0];
    expect(row.textContent).toContain("Jalal-Abad");
    expect(row.textContent).toContain("01a22290");
    expect(row.textContent).toContain("Osh: changes 1–7");
    expect(within(row).getByTestId("peer-waiting").textContent).toContain("5");
    expect(screen.getByTestId("held-none")).toBeTruthy();
    expect(screen.getByTestId("sync-status").textContent).toContain("kept but never applied");
  });
});
