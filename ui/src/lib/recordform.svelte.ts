// The life cycle every record form shares: load the record (edit) or start
// empty (new), keep a draft across a lock, validate on the client, send only
// what changed, show the backend's message verbatim, and go to the record.
import { onMount, tick } from "svelte";
import * as api from "./api";
import { keepDraftAcrossLock } from "./drafts";
import { changedInput } from "./forms";
import { navigate, href } from "./router";
import { SEGMENT_OF_KIND } from "./sections";
import { refreshInfo } from "./session";
import type { Kind, RecordInput, RecordView } from "./types";

export interface RecordFormOptions<F> {
  kind: Kind;
  id?: string;
  params: URLSearchParams;
  empty: () => F;
  fromView: (view: RecordView) => F;
  toInput: (f: F) => RecordInput;
  /** Field id → message, for what the client can check. */
  validate: (f: F) => Record<string, string>;
  /** Where to go after saving (default: the record's page). */
  after?: (id: string) => string;
  /** Where Cancel goes (default: the record's page, or the list). */
  cancelTo?: () => string;
}

export interface RecordFormState<F> {
  f: F;
  view: RecordView | null;
  loaded: boolean;
  busy: boolean;
  error: string;
  errors: Record<string, string>;
  restored: boolean;
}

export function useRecordForm<F>(opts: RecordFormOptions<F>) {
  const s: RecordFormState<F> = $state({
    f: opts.empty(),
    view: null,
    loaded: !opts.id,
    busy: false,
    error: "",
    errors: {},
    restored: false,
  });
  let initial: RecordInput = {};
  const segment = SEGMENT_OF_KIND[opts.kind];
  const key = `form:${opts.kind}:${opts.id ?? "new"}:${opts.params.toString()}`;

  s.restored = keepDraftAcrossLock(
    key,
    () => ({ f: $state.snapshot(s.f) as F, initial, view: $state.snapshot(s.view) as RecordView | null }),
    (d: { f: F; initial: RecordInput; view: RecordView | null }) => {
      s.f = d.f;
      initial = d.initial;
      s.view = d.view;
      s.loaded = true;
    },
  );

  onMount(() => {
    if (opts.id && !s.restored) {
      api.recordGet(opts.kind, opts.id).then(
        (view) => {
          s.view = view;
          s.f = opts.fromView(view);
          initial = opts.toInput($state.snapshot(s.f) as F);
          s.loaded = true;
        },
        (e) => {
          s.error = api.errorMessage(e);
        },
      );
    }
  });

  async function submit() {
    s.error = "";
    s.errors = opts.validate(s.f);
    const invalid = Object.keys(s.errors).filter((k) => s.errors[k]);
    if (invalid.length) {
      await tick();
      document.getElementById(invalid[0])?.focus();
      return;
    }
    s.busy = true;
    try {
      const input = opts.toInput($state.snapshot(s.f) as F);
      let id = opts.id;
      if (id) {
        const changes = changedInput(initial, input);
        if (Object.keys(changes).length) await api.recordEdit(opts.kind, id, changes);
      } else {
        id = (await api.recordAdd(opts.kind, input)).id;
      }
      void refreshInfo();
      navigate(opts.after ? opts.after(id) : href(segment, id));
    } catch (e) {
      s.error = api.errorMessage(e);
    } finally {
      s.busy = false;
    }
  }

  function cancel() {
    if (opts.cancelTo) navigate(opts.cancelTo());
    else navigate(opts.id ? href(segment, opts.id) : href(segment));
  }

  return { s, submit, cancel };
}
