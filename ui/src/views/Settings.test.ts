import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { get } from "svelte/store";
import { info, session } from "../lib/session";
import type { EnrolmentCheck, KnownDevice } from "../lib/types";
import { fileToken, INFO, mockBackend, UNLOCKED, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import Settings from "./Settings.svelte";

const SAFETY = "16626 46237 70143 59999 03027 78656 04277 09768 04579 37042 21571 17010";
const CHECK: EnrolmentCheck = {
  device: "a482e0e3-952d-85f4-ae31-ad4d7f47094c",
  office: "Osh",
  safety_number: SAFETY,
  org_fingerprint: "7197 e250",
  device_fingerprint: "a482 e0e3",
  org_key_transfer: false,
};
const device = (id: string, office: string, role = "office"): KnownDevice => ({
  device: id,
  office,
  role,
  sign_key: "",
  age_recipient: "",
  issued_at: "2005-06-01T10:00:00Z",
  revoked_through: null,
  revoked_reason: null,
  fingerprint: `${id.slice(0, 4)} ${id.slice(4, 8)}`,
});

afterEach(resetComponentTest);

describe("Settings: an office laptop", () => {
  let backend: ReturnType<typeof mockBackend>;
  beforeEach(async () => {
    let enrolled = false;
    backend = mockBackend({
      info: () => ({ ...INFO, enrolled, role: enrolled ? "office" : null }),
      enrol_request: { ...CHECK, safety_number: "" },
      enrol_inspect: CHECK,
      enrol_accept: () => {
        enrolled = true;
        return CHECK;
      },
      devices: [],
    });
    await unlockedSession();
    info.set({ ...INFO, enrolled: false, role: null });
  });

  it("requests enrolment, shows the safety number, and enrols only after confirmation", async () => {
    render(Settings);
    expect(screen.getByTestId("this-device-enrolled").dataset.enrolled).toBe("false");
    await fireEvent.input(screen.getByTestId("enrol-request-path"), { target: { value: "/media/usb/osh.request" } });
    await fireEvent.click(screen.getByTestId("enrol-request-submit"));
    expect((await screen.findByTestId("enrol-request-done")).textContent).toContain("Osh");
    expect(backend.argsOf("enrol_request")).toEqual([{ file: fileToken("enrol_request_out", "/media/usb/osh.request") }]);

    await fireEvent.input(screen.getByTestId("enrol-accept-path"), { target: { value: "/media/usb/osh.enrolment" } });
    await fireEvent.click(screen.getByTestId("enrol-inspect"));
    const check = await screen.findByTestId("enrol-check");
    const groups = within(check).getAllByRole("listitem").map((li) => li.textContent);
    expect(groups).toHaveLength(12);
    expect(groups.join(" ")).toBe(SAFETY);
    expect(backend.argsOf("enrol_accept")).toHaveLength(0);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("enrol-accept")));

    await fireEvent.click(screen.getByTestId("enrol-accept"));
    await screen.findByTestId("enrol-accept-done");
    expect(backend.argsOf("enrol_accept")).toEqual([{ file: fileToken("enrolment_in", "/media/usb/osh.enrolment") }]);
    await waitFor(() => expect(screen.getByTestId("this-device-enrolled").dataset.enrolled).toBe("true"));
  });

  it("panic needs DESTROY typed exactly, then destroys and returns to first run", async () => {
    const calls = mockBackend({ panic_destroy: { ...UNLOCKED, state: "uninitialised", info: null } });
    render(Settings);
    expect(screen.getByTestId("danger-zone").textContent).toContain("not yet sent to headquarters are lost");
    await fireEvent.click(screen.getByTestId("panic-open"));
    const submit = screen.getByTestId("panic-submit") as HTMLButtonElement;
    await fireEvent.input(screen.getByTestId("panic-confirm"), { target: { value: "destroy" } });
    expect(submit.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("panic-confirm"), { target: { value: "DESTROY" } });
    expect(submit.disabled).toBe(false);
    await fireEvent.click(submit);
    await waitFor(() => expect(calls.argsOf("panic_destroy")).toEqual([{ confirm: "DESTROY" }]));
    await waitFor(() => expect(get(session)?.state).toBe("uninitialised"));
  });
});

describe("Settings: headquarters", () => {
  let backend: ReturnType<typeof mockBackend>;
  beforeEach(async () => {
    backend = mockBackend({
      info: { ...INFO, office: "HQ", role: "hq" },
      enrol_inspect_request: CHECK,
      enrol_approve: CHECK,
      devices: [device(INFO.device, "HQ", "hq"), device("a482e0e3-952d-85f4-ae31-ad4d7f47094c", "Osh")],
      revoke: { ...device("a482e0e3-952d-85f4-ae31-ad4d7f47094c", "Osh"), revoked_through: 7, revoked_reason: "laptop seized" },
    });
    await unlockedSession();
    info.set({ ...INFO, office: "HQ", role: "hq" });
  });

  it("approves a request after showing its safety number", async () => {
    render(Settings);
    expect(screen.queryByTestId("enrol-request-form")).toBeNull();
    await fireEvent.input(screen.getByTestId("approve-request-path"), { target: { value: "/media/usb/osh.request" } });
    await fireEvent.click(screen.getByTestId("approve-inspect"));
    const check = await screen.findByTestId("approve-check");
    expect(within(check).getByTestId("safety-number").dataset.value).toBe(SAFETY);
    await fireEvent.input(screen.getByTestId("approve-out"), { target: { value: "/media/usb/osh.enrolment" } });
    await fireEvent.click(screen.getByTestId("approve-submit"));
    await screen.findByTestId("approve-done");
    expect(backend.argsOf("enrol_approve")).toEqual([
      {
        request: fileToken("enrol_request_in", "/media/usb/osh.request"),
        out: fileToken("enrolment_out", "/media/usb/osh.enrolment"),
        hq: false,
      },
    ]);
  });

  it("revokes another device with a reason (never this one)", async () => {
    render(Settings);
    const rows = await screen.findAllByTestId("device-row");
    expect(within(rows[0]).queryByText("Revoke")).toBeNull();
    await fireEvent.click(within(rows[1]).getByText("Revoke"));
    const modal = screen.getByTestId("revoke-modal");
    await fireEvent.click(within(modal).getByText("Revoke"));
    expect(modal.textContent).toContain("Say why the device is revoked.");
    expect(backend.argsOf("revoke")).toHaveLength(0);
    await fireEvent.input(document.getElementById("revoke-reason")!, { target: { value: "laptop seized" } });
    await fireEvent.click(within(modal).getByText("Revoke"));
    await waitFor(() =>
      expect(backend.argsOf("revoke")).toEqual([{ device: "a482e0e3-952d-85f4-ae31-ad4d7f47094c", reason: "laptop seized" }]),
    );
  });
});
