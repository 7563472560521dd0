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

/** The props of every record form: the record to edit (none: a new one) and the route's query. */
export interface RecordFormProps {
  id?: string;
  params: URLSearchParams;
}

export interface RecordFormOptions<F> {
  kind: Kind;
  /** The form's props, read when they are needed: `() => ({ id, params })`. */
  props: () => RecordFormProps;
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

export interface RecordForm<F> {
  readonly kind: Kind;
  readonly id: string | undefined;
  s: RecordFormState<F>;
  submit: () => Promise<void>;
  cancel: () => void;
}

export function useRecordForm<F>(opts: RecordFormOptions<F>): RecordForm<F> {
  const props = opts.props;
  const s: RecordFormState<F> = $state({
    f: opts.empty(),
    view: null,
    loaded: !props().id,
    busy: false,
    error: "",
    errors: {},
    restored: false,
  });
  let initial: RecordInput = {};
  const segment = SEGMENT_OF_KIND[opts.kind];
  const key = `form:${opts.kind}:${props().id ?? "new"}:${props().params.toString()}`;

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
    const id = props().id;
    if (id && !s.restored) {
      api.recordGet(opts.kind, id).then(
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
      let id = props().id;
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
    const id = props().id;
    if (opts.cancelTo) navigate(opts.cancelTo());
    else navigate(id ? href(segment, id) : href(segment));
  }

  return {
    kind: opts.kind,
    get id() {
      return props().id;
    },
    s,
    submit,
    cancel,
  };
}
