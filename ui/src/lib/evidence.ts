// The evidence of a possible duplicate (domain::matching::Evidence) in words, for the
// review queue: which name forms met and how, which identifiers agree, whether the
// birth dates fit, and the weight each added to the score.
import type { Translate } from "./i18n";
import type { Evidence, WordMatch } from "./types";

/** One line of evidence: its text, the words of the names (for names), and its weight. */
export interface EvidenceLine {
  kind: Evidence["kind"];
  text: string;
  words: string[];
  /** log2 likelihood ratio: positive says "the same person", negative says "two people". */
  weight: number;
}

/** Helpers the words need that the evidence does not carry: vocabulary labels, group names, dates. */
export interface EvidenceContext {
  t: Translate;
  /** A vocabulary term's label (`identifier_type`, `sex`). */
  vl: (vocab: string, term: string) => string;
  /** A group's name by id, when known. */
  group?: (id: string) => string | undefined;
  /** A date as people read it. */
  date?: (edtf: string) => string;
}

/** "+7.0" / "−5.5": a weight in bits, signed. */
export function formatWeight(weight: number): string {
  const abs = Math.abs(weight).toFixed(1);
  if (weight > 0) return `+${abs}`;
  if (weight < 0) return `\u2212${abs}`;
  return "0.0";
}

/** A score (a probability) as a whole percentage, never 100 unless it is. */
export function scorePercent(score: number): number {
  const p = Math.round(score * 100);
  return p === 100 && score < 1 ? 99 : p;
}

function word(w: WordMatch, t: Translate): string {
  const text = t(`evidence.word.${w.level}`, {
    a: w.a,
    b: w.b,
    similarity: Math.round(w.similarity * 100),
  });
  return w.role === "patronymic" ? `${text} ${t("evidence.word.patronymic")}` : text;
}

/** Every piece of evidence in words, strongest (for or against) first. */
export function describeEvidence(evidence: Evidence[], ctx: EvidenceContext): EvidenceLine[] {
  const { t, vl } = ctx;
  const date = ctx.date ?? ((d: string) => d);
  const lines = evidence.map((e): EvidenceLine => {
    const line = (text: string, words: string[] = []) => ({ kind: e.kind, text, words, weight: e.weight });
    switch (e.kind) {
      case "names":
        return line(
          t("evidence.names", { a: e.a, a_lang: e.a_lang, b: e.b, b_lang: e.b_lang }),
          e.words.map((w) => word(w, t)),
        );
      case "identifier":
        return line(t(`evidence.identifier_${e.agreement}`, { type: vl("identifier_type", e.id_type), a: e.a, b: e.b }));
      case "birth_dates":
        return e.compatible
          ? line(t("evidence.birth_compatible", { a: date(e.a), b: date(e.b) }))
          : line(t("evidence.birth_apart", { a: date(e.a), b: date(e.b), count: e.years_apart }));
      case "sex":
        return e.agree
          ? line(t("evidence.sex_agree", { a: vl("sex", e.a) }))
          : line(t("evidence.sex_differ", { a: vl("sex", e.a), b: vl("sex", e.b) }));
      case "origin":
        return line(t(e.same ? "evidence.origin_same" : "evidence.origin_different"));
      case "same_group": {
        const names = e.groups.map((g) => ctx.group?.(g)).filter((n): n is string => !!n);
        return names.length
          ? line(t("evidence.same_group_named", { groups: names.join(", ") }))
          : line(t("evidence.same_group", { count: e.groups.length }));
      }
      case "family_of_each_other":
        return line(t("evidence.family_of_each_other"));
      case "shared_family":
        return line(t("evidence.shared_family", { count: e.persons.length }));
    }
  });
  return lines.sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight));
}
