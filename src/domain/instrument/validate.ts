import { z } from 'zod';
import {
  addDecimal,
  compareDecimal,
  type Decimal,
  formatDecimal,
  parseDecimal,
  withinTolerance,
} from './decimal.js';
import {
  GroupNodeShallowSchema,
  type IndicatorNode,
  IndicatorNodeSchema,
  type Instrument,
  type InstrumentNode,
  InstrumentShallowSchema,
} from './schema.js';

export interface ValidationError {
  /** JSON path of the offending value, e.g. `$.nodes[0].children[2].weight`. */
  path: string;
  /** Message in Bahasa Indonesia. */
  message: string;
  /** The same message in English. */
  messageEn: string;
  /** Machine-readable kind, e.g. `schema`, `duplicate_code`, `weight_sum`. */
  code: string;
}

export type ValidationResult =
  | { ok: true; instrument: Instrument }
  | { ok: false; errors: ValidationError[] };

/** Tolerance for weight sums (issue #3: 0.0001). */
export const WEIGHT_TOLERANCE: Decimal = { units: 1n, scale: 4 };

type PathSeg = string | number | symbol;

const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats a path as a JSON path: `$.nodes[0].children[2].weight`, `$.crosswalk.map["1.2"]`. */
export function jsonPath(path: readonly PathSeg[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT_RE.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

const idLocale = z.locales.id().localeError;
const enLocale = z.locales.en().localeError;

class Collector {
  readonly errors: ValidationError[] = [];
  add(path: readonly PathSeg[], code: string, message: string, messageEn: string): void {
    this.errors.push({ path: jsonPath(path), code, message, messageEn });
  }
  /** Runs a schema with Indonesian and English messages; returns parsed data or undefined. */
  parse<T>(schema: z.ZodType<T>, value: unknown, base: readonly PathSeg[]): T | undefined {
    const id = schema.safeParse(value, { error: idLocale });
    if (id.success) return id.data;
    const en = schema.safeParse(value, { error: enLocale });
    const enIssues = en.success ? [] : en.error.issues;
    id.error.issues.forEach((issue, i) => {
      const path = [...base, ...issue.path];
      const special = specialMessage(issue, value);
      if (special) {
        this.add(path, special.code, special.message, special.messageEn);
      } else {
        this.add(path, 'schema', issue.message, enIssues[i]?.message ?? issue.message);
      }
    });
    return undefined;
  }
}

/** Clearer bilingual messages for the schema failures users meet most. */
function specialMessage(
  issue: z.core.$ZodIssue,
  _root: unknown,
): { code: string; message: string; messageEn: string } | undefined {
  const last = issue.path[issue.path.length - 1];
  const prev = issue.path[issue.path.length - 2];
  if (last === 'criteria' && (issue.code === 'too_small' || issue.code === 'too_big')) {
    return {
      code: 'criteria_count',
      message: 'Kriteria tingkat harus berisi tepat 5 teks, untuk tingkat 1 sampai 5.',
      messageEn: 'Level criteria must contain exactly 5 texts, for levels 1 to 5.',
    };
  }
  if (prev === 'criteria' && typeof last === 'number') {
    return {
      code: 'criteria_missing',
      message: `Kriteria tingkat ${last + 1} kosong atau tidak ada.`,
      messageEn: `Criterion for level ${last + 1} is empty or missing.`,
    };
  }
  if (last === 'thresholds' && (issue.code === 'too_small' || issue.code === 'too_big')) {
    return {
      code: 'thresholds_count',
      message: 'Ambang batas harus berisi tepat 4 nilai batas (antara tingkat 1–2, 2–3, 3–4, 4–5).',
      messageEn: 'Thresholds must contain exactly 4 boundaries (between levels 1–2, 2–3, 3–4, 4–5).',
    };
  }
  if (last === 'weight' || last === 'min' || last === 'max' || last === 'totalWeight') {
    return {
      code: 'decimal_format',
      message: 'Harus berupa angka desimal, misalnya "2.75" atau 13 (tanpa notasi eksponen).',
      messageEn: 'Must be a decimal number such as "2.75" or 13 (no exponent notation).',
    };
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walkNode(c: Collector, raw: unknown, path: PathSeg[]): InstrumentNode | undefined {
  if (isRecord(raw) && 'children' in raw) {
    const group = c.parse(GroupNodeShallowSchema, raw, path);
    const childrenRaw = raw.children;
    const children: InstrumentNode[] = [];
    let childOk = true;
    if (Array.isArray(childrenRaw)) {
      childrenRaw.forEach((child, i) => {
        const parsed = walkNode(c, child, [...path, 'children', i]);
        if (parsed) children.push(parsed);
        else childOk = false;
      });
    }
    if (!group || !childOk) return undefined;
    return { ...group, children };
  }
  return c.parse(IndicatorNodeSchema, raw, path);
}

interface FlatNode {
  node: InstrumentNode;
  path: PathSeg[];
}

function flatten(nodes: readonly InstrumentNode[], base: PathSeg[], out: FlatNode[]): void {
  nodes.forEach((node, i) => {
    const path = [...base, i];
    out.push({ node, path });
    if ('children' in node) flatten(node.children, [...path, 'children'], out);
  });
}

function checkWeights(c: Collector, nodes: readonly InstrumentNode[], base: PathSeg[]): Decimal | undefined {
  let sum: Decimal = { units: 0n, scale: 0 };
  let allValid = true;
  nodes.forEach((node, i) => {
    const path = [...base, i];
    const w = parseDecimal(node.weight);
    if (!w) {
      allValid = false;
      c.add(
        [...path, 'weight'],
        'decimal_format',
        'Bobot bukan angka desimal.',
        'Weight is not a decimal number.',
      );
      return;
    }
    if (w.units <= 0n) {
      allValid = false;
      c.add(
        [...path, 'weight'],
        'weight_not_positive',
        `Bobot node "${node.code}" harus lebih dari 0 (tertulis ${formatDecimal(w)}).`,
        `Weight of node "${node.code}" must be greater than 0 (found ${formatDecimal(w)}).`,
      );
    }
    sum = addDecimal(sum, w);
    if ('children' in node) {
      const childSum = checkWeights(c, node.children, [...path, 'children']);
      if (childSum && w.units > 0n && !withinTolerance(childSum, w, WEIGHT_TOLERANCE)) {
        c.add(
          [...path, 'children'],
          'weight_sum',
          `Jumlah bobot anak node "${node.code}" adalah ${formatDecimal(childSum)}, harus sama dengan bobot node ${formatDecimal(w)} (toleransi 0,0001).`,
          `Children of node "${node.code}" have weights summing to ${formatDecimal(childSum)}; they must equal the node's weight ${formatDecimal(w)} (tolerance 0.0001).`,
        );
      }
    }
  });
  return allValid ? sum : undefined;
}

function checkIndicator(c: Collector, ind: IndicatorNode, path: PathSeg[], levelModelIds: Set<string>): void {
  if (!levelModelIds.has(ind.levelModel)) {
    c.add(
      [...path, 'levelModel'],
      'unknown_level_model',
      `Model tingkat "${ind.levelModel}" tidak didefinisikan di levelModels.`,
      `Level model "${ind.levelModel}" is not defined in levelModels.`,
    );
  }
  if (ind.kind !== 'metric') return;
  const t = ind.thresholds.map((x) => parseDecimal(x));
  for (let i = 1; i < t.length; i++) {
    const a = t[i - 1];
    const b = t[i];
    if (a && b && compareDecimal(a, b) >= 0) {
      c.add(
        [...path, 'thresholds', i],
        'thresholds_not_increasing',
        `Ambang batas harus naik tegas: nilai ke-${i + 1} (${formatDecimal(b)}) tidak lebih besar dari nilai ke-${i} (${formatDecimal(a)}).`,
        `Thresholds must be strictly increasing: boundary ${i + 1} (${formatDecimal(b)}) is not greater than boundary ${i} (${formatDecimal(a)}).`,
      );
    }
  }
  const lo = ind.valueMin === undefined ? undefined : parseDecimal(ind.valueMin);
  const hi = ind.valueMax === undefined ? undefined : parseDecimal(ind.valueMax);
  const first = t[0];
  const last = t[t.length - 1];
  if (lo && first && compareDecimal(lo, first) > 0) {
    c.add(
      [...path, 'valueMin'],
      'value_range',
      'Nilai minimum tidak boleh lebih besar dari ambang batas pertama.',
      'valueMin must not exceed the first threshold.',
    );
  }
  if (hi && last && compareDecimal(hi, last) < 0) {
    c.add(
      [...path, 'valueMax'],
      'value_range',
      'Nilai maksimum tidak boleh lebih kecil dari ambang batas terakhir.',
      'valueMax must not be below the last threshold.',
    );
  }
}

function checkBands(c: Collector, inst: Instrument): void {
  const scaleMin: Decimal = { units: BigInt(inst.scale.min), scale: 0 };
  const scaleMax: Decimal = { units: BigInt(inst.scale.max), scale: 0 };
  const bands = inst.predicateBands.map((b, i) => ({
    i,
    name: b.name,
    min: parseDecimal(b.min),
    max: parseDecimal(b.max),
  }));
  const valid: Array<{ i: number; name: string; min: Decimal; max: Decimal }> = [];
  for (const b of bands) {
    if (!b.min || !b.max) continue;
    if (compareDecimal(b.min, b.max) >= 0) {
      c.add(
        ['predicateBands', b.i, 'max'],
        'band_empty',
        `Predikat "${b.name}": batas atas harus lebih besar dari batas bawah.`,
        `Predicate "${b.name}": upper bound must be greater than the lower bound.`,
      );
      continue;
    }
    valid.push({ i: b.i, name: b.name, min: b.min, max: b.max });
  }
  if (valid.length !== bands.length) return;
  valid.sort((a, b) => compareDecimal(a.min, b.min));
  const lowest = valid[0]!;
  if (compareDecimal(lowest.min, scaleMin) !== 0) {
    const gap = compareDecimal(lowest.min, scaleMin) > 0;
    c.add(
      ['predicateBands', lowest.i, 'min'],
      gap ? 'band_gap' : 'band_outside_scale',
      gap
        ? `Celah predikat: nilai ${inst.scale.min} sampai ${formatDecimal(lowest.min)} tidak tercakup predikat mana pun.`
        : `Predikat "${lowest.name}" dimulai di bawah skala (${inst.scale.min}).`,
      gap
        ? `Predicate gap: values from ${inst.scale.min} to ${formatDecimal(lowest.min)} are not covered by any predicate.`
        : `Predicate "${lowest.name}" starts below the scale minimum (${inst.scale.min}).`,
    );
  }
  for (let k = 1; k < valid.length; k++) {
    const prev = valid[k - 1]!;
    const cur = valid[k]!;
    const cmp = compareDecimal(prev.max, cur.min);
    if (cmp < 0) {
      c.add(
        ['predicateBands', cur.i, 'min'],
        'band_gap',
        `Celah predikat: nilai dari ${formatDecimal(prev.max)} sampai ${formatDecimal(cur.min)} tidak tercakup (antara "${prev.name}" dan "${cur.name}").`,
        `Predicate gap: values from ${formatDecimal(prev.max)} to ${formatDecimal(cur.min)} are not covered (between "${prev.name}" and "${cur.name}").`,
      );
    } else if (cmp > 0) {
      c.add(
        ['predicateBands', cur.i, 'min'],
        'band_overlap',
        `Predikat tumpang tindih: "${prev.name}" (sampai ${formatDecimal(prev.max)}) dan "${cur.name}" (mulai ${formatDecimal(cur.min)}).`,
        `Predicates overlap: "${prev.name}" (up to ${formatDecimal(prev.max)}) and "${cur.name}" (from ${formatDecimal(cur.min)}).`,
      );
    }
  }
  const highest = valid[valid.length - 1]!;
  const cmpTop = compareDecimal(highest.max, scaleMax);
  if (cmpTop !== 0) {
    c.add(
      ['predicateBands', highest.i, 'max'],
      cmpTop < 0 ? 'band_gap' : 'band_outside_scale',
      cmpTop < 0
        ? `Celah predikat: nilai di atas ${formatDecimal(highest.max)} sampai ${inst.scale.max} tidak tercakup.`
        : `Predikat "${highest.name}" melewati batas atas skala (${inst.scale.max}).`,
      cmpTop < 0
        ? `Predicate gap: values above ${formatDecimal(highest.max)} up to ${inst.scale.max} are not covered.`
        : `Predicate "${highest.name}" extends beyond the scale maximum (${inst.scale.max}).`,
    );
  }
}

function semanticChecks(c: Collector, inst: Instrument): void {
  const flat: FlatNode[] = [];
  flatten(inst.nodes, ['nodes'], flat);

  const seen = new Map<string, string>();
  for (const { node, path } of flat) {
    const where = seen.get(node.code);
    if (where) {
      c.add(
        [...path, 'code'],
        'duplicate_code',
        `Kode "${node.code}" duplikat; sudah dipakai di ${where}.`,
        `Code "${node.code}" is duplicated; already used at ${where}.`,
      );
    } else {
      seen.set(node.code, jsonPath(path));
    }
  }

  const sourceIds = new Set<string>();
  inst.sources.forEach((s, i) => {
    if (sourceIds.has(s.id)) {
      c.add(
        ['sources', i, 'id'],
        'duplicate_source',
        `Id sumber "${s.id}" duplikat.`,
        `Source id "${s.id}" is duplicated.`,
      );
    }
    sourceIds.add(s.id);
  });

  const levelModelIds = new Set<string>();
  inst.levelModels.forEach((m, i) => {
    if (levelModelIds.has(m.id)) {
      c.add(
        ['levelModels', i, 'id'],
        'duplicate_level_model',
        `Id model tingkat "${m.id}" duplikat.`,
        `Level model id "${m.id}" is duplicated.`,
      );
    }
    levelModelIds.add(m.id);
    m.levels.forEach((l, j) => {
      if (l.level !== j + 1) {
        c.add(
          ['levelModels', i, 'levels', j, 'level'],
          'level_order',
          `Tingkat harus berurutan 1 sampai 5; posisi ${j + 1} berisi tingkat ${l.level}.`,
          `Levels must be listed 1 to 5 in order; position ${j + 1} holds level ${l.level}.`,
        );
      }
    });
  });

  for (const { node, path } of flat) {
    node.sourceRefs?.forEach((ref, j) => {
      if (!sourceIds.has(ref)) {
        c.add(
          [...path, 'sourceRefs', j],
          'unknown_source',
          `Sumber "${ref}" tidak ada di daftar sources.`,
          `Source "${ref}" is not in the sources list.`,
        );
      }
    });
    if (!('children' in node)) checkIndicator(c, node, path, levelModelIds);
  }

  const total = checkWeights(c, inst.nodes, ['nodes']);
  const declared = parseDecimal(inst.totalWeight);
  if (total && declared && !withinTolerance(total, declared, WEIGHT_TOLERANCE)) {
    c.add(
      ['nodes'],
      'weight_sum',
      `Jumlah bobot tingkat teratas adalah ${formatDecimal(total)}, harus sama dengan totalWeight ${formatDecimal(declared)} (toleransi 0,0001).`,
      `Top-level weights sum to ${formatDecimal(total)}; they must equal totalWeight ${formatDecimal(declared)} (tolerance 0.0001).`,
    );
  }
  if (declared && declared.units <= 0n) {
    c.add(
      ['totalWeight'],
      'weight_not_positive',
      'totalWeight harus lebih dari 0.',
      'totalWeight must be greater than 0.',
    );
  }

  checkBands(c, inst);

  if (inst.crosswalk) {
    for (const [from, to] of Object.entries(inst.crosswalk.map)) {
      if (!seen.has(to)) {
        c.add(
          ['crosswalk', 'map', from],
          'crosswalk_target',
          `Crosswalk: kode tujuan "${to}" (dari "${from}") tidak ada di instrumen ini.`,
          `Crosswalk: target code "${to}" (from "${from}") does not exist in this instrument.`,
        );
      }
    }
  }
}

/**
 * Validates an instrument document (already parsed from JSON/YAML): the schema first, node by node
 * so that every error carries its exact JSON path, then the semantic rules (unique codes, positive
 * weights summing to their parent and to `totalWeight`, increasing thresholds, predicate bands
 * covering the scale exactly, known level models, sources and crosswalk targets).
 */
export function validateInstrument(input: unknown): ValidationResult {
  const c = new Collector();
  const header = c.parse(InstrumentShallowSchema, input, []);
  const nodes: InstrumentNode[] = [];
  let nodesOk = true;
  if (isRecord(input) && Array.isArray(input.nodes)) {
    input.nodes.forEach((raw, i) => {
      const parsed = walkNode(c, raw, ['nodes', i]);
      if (parsed) nodes.push(parsed);
      else nodesOk = false;
    });
  }
  if (!header || !nodesOk || c.errors.length > 0) return { ok: false, errors: c.errors };
  const instrument: Instrument = { ...header, nodes };
  semanticChecks(c, instrument);
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return { ok: true, instrument };
}

/** Formats validation errors one per line, for exceptions and CLI output. */
export function formatValidationErrors(errors: readonly ValidationError[], lang: 'id' | 'en' = 'id'): string {
  return errors.map((e) => `${e.path}: ${lang === 'id' ? e.message : e.messageEn}`).join('\n');
}
