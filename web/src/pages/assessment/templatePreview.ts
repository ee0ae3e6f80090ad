/**
 * Reads a filled self-assessment template in the browser, only to show the user which answers
 * it would change before they confirm the import. The server has no dry run: it validates every
 * row and decides when the user confirms (POST /api/assessments/:id/template). This reader
 * knows the template's layout by its headers (src/modules/reports/reports.template.ts
 * TEMPLATE_COLUMNS); when it cannot read a file, the page says so and the server still checks.
 *
 * Loaded on demand (dynamic import) so that the form does not carry it.
 */
import type { ResponseDto, TreeNode } from '../../api/assessments';

export const TEMPLATE_SHEET = 'Penilaian Mandiri';
const HEADERS = {
  code: 'Kode Indikator',
  level: 'Tingkat (1–5 / NA)',
  metric: 'Nilai Terukur',
  justification: 'Justifikasi',
} as const;
type Key = keyof typeof HEADERS;

/** Far above any real template (a few hundred KB): a file inflating past this is not one. */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024;

export interface TemplateChange {
  row: number;
  indicatorCode: string;
  column: string;
  columnHeader: string;
  before: string;
  after: string;
}

export class TemplateUnreadable extends Error {}

// ── zip ────────────────────────────────────────────────────────────────────────────────────────

interface ZipEntry {
  method: number;
  size: number;
  compressedSize: number;
  offset: number;
}

function zipEntries(buf: ArrayBuffer): Map<string, ZipEntry> {
  const view = new DataView(buf);
  let end = -1;
  for (let i = buf.byteLength - 22; i >= Math.max(0, buf.byteLength - 65_557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new TemplateUnreadable('not a zip');
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const names = new TextDecoder();
  const out = new Map<string, ZipEntry>();
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.byteLength || view.getUint32(p, true) !== 0x02014b50)
      throw new TemplateUnreadable('zip');
    const nameLength = view.getUint16(p + 28, true);
    const extra = view.getUint16(p + 30, true);
    const comment = view.getUint16(p + 32, true);
    out.set(names.decode(new Uint8Array(buf, p + 46, nameLength)), {
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      offset: view.getUint32(p + 42, true),
    });
    p += 46 + nameLength + extra + comment;
  }
  return out;
}

async function entryText(buf: ArrayBuffer, e: ZipEntry): Promise<string> {
  const view = new DataView(buf);
  if (e.offset + 30 > buf.byteLength || view.getUint32(e.offset, true) !== 0x04034b50)
    throw new TemplateUnreadable('zip entry');
  const start = e.offset + 30 + view.getUint16(e.offset + 26, true) + view.getUint16(e.offset + 28, true);
  const raw = new Uint8Array(buf, start, Math.min(e.compressedSize, buf.byteLength - start));
  if (e.method === 0) return new TextDecoder().decode(raw);
  if (e.method !== 8 || e.size > MAX_ENTRY_BYTES) throw new TemplateUnreadable('zip method');
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_ENTRY_BYTES) {
      await reader.cancel();
      throw new TemplateUnreadable('too large');
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

// ── workbook ───────────────────────────────────────────────────────────────────────────────────

const xml = (text: string) => {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) throw new TemplateUnreadable('xml');
  return doc;
};
const all = (node: Document | Element, tag: string) => Array.from(node.getElementsByTagNameNS('*', tag));

/** The cells of one sheet as text, by reference ("A2"). */
async function readSheet(file: Blob, sheetName: string): Promise<Map<string, string>> {
  const buf = await file.arrayBuffer();
  const entries = zipEntries(buf);
  const text = async (name: string) => {
    const e = entries.get(name);
    return e ? entryText(buf, e) : null;
  };
  const workbook = await text('xl/workbook.xml');
  const rels = await text('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) throw new TemplateUnreadable('not a workbook');
  const sheet = all(xml(workbook), 'sheet').find((s) => s.getAttribute('name') === sheetName);
  const relId =
    sheet?.getAttributeNS('http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'id') ??
    sheet?.getAttribute('r:id');
  const target = all(xml(rels), 'Relationship')
    .find((r) => r.getAttribute('Id') === relId)
    ?.getAttribute('Target');
  if (!target) throw new TemplateUnreadable('sheet missing');
  const path = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  const sheetXml = await text(path);
  if (!sheetXml) throw new TemplateUnreadable('sheet missing');
  const sharedXml = await text('xl/sharedStrings.xml');
  const shared = sharedXml
    ? all(xml(sharedXml), 'si').map((si) =>
        all(si, 't')
          .filter((t) => t.parentElement?.localName !== 'rPh')
          .map((t) => t.textContent ?? '')
          .join(''),
      )
    : [];
  const cells = new Map<string, string>();
  for (const c of all(xml(sheetXml), 'c')) {
    const ref = c.getAttribute('r');
    if (!ref) continue;
    const type = c.getAttribute('t');
    const v = all(c, 'v')[0]?.textContent ?? '';
    let value: string;
    if (type === 's') value = shared[Number(v)] ?? '';
    else if (type === 'inlineStr')
      value = all(c, 't')
        .map((t) => t.textContent ?? '')
        .join('');
    else if (type === 'b') value = v === '1' ? 'TRUE' : 'FALSE';
    else value = v;
    cells.set(ref, value);
  }
  return cells;
}

// ── the preview ────────────────────────────────────────────────────────────────────────────────

const norm = (s: string | null | undefined) => (s ?? '').trim();
const sameNumber = (a: string, b: string) => {
  if (a === b) return true;
  const x = Number(a.replace(',', '.'));
  const y = Number(b.replace(',', '.'));
  return a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y;
};

/**
 * The answers the file would change, cell by cell, compared with the answers in the app.
 * Throws TemplateUnreadable when the file is not a template this reader understands.
 */
export async function templateChanges(
  file: Blob,
  responses: ResponseDto[],
  indicators: TreeNode[],
): Promise<TemplateChange[]> {
  const cells = await readSheet(file, TEMPLATE_SHEET);
  const columns = new Map<Key, string>();
  for (const [ref, value] of cells) {
    const m = /^([A-Z]+)1$/.exec(ref);
    if (!m) continue;
    const key = (Object.keys(HEADERS) as Key[]).find((k) => HEADERS[k] === norm(value));
    if (key) columns.set(key, m[1]!);
  }
  if (columns.size < 4) throw new TemplateUnreadable('headers');
  const rows = new Set<number>();
  for (const ref of cells.keys()) {
    const row = Number(/\d+$/.exec(ref)?.[0]);
    if (row > 1) rows.add(row);
  }
  const byCode = new Map(responses.map((r) => [r.indicatorCode, r]));
  const kinds = new Map(indicators.map((n) => [n.code, n.kind]));
  const out: TemplateChange[] = [];
  for (const row of [...rows].sort((a, b) => a - b)) {
    const get = (k: Key) => norm(cells.get(`${columns.get(k)}${row}`));
    const code = get('code');
    if (!code || !kinds.has(code)) continue;
    const r = byCode.get(code);
    const metric = kinds.get(code) === 'metric';
    const push = (k: Key, before: string, after: string) =>
      out.push({
        row,
        indicatorCode: code,
        column: columns.get(k)!,
        columnHeader: HEADERS[k],
        before,
        after,
      });
    const levelBefore = r?.notApplicable ? 'NA' : metric ? '' : r?.level ? String(r.level) : '';
    const levelAfter = get('level').toUpperCase();
    if (!sameNumber(levelBefore, levelAfter)) push('level', levelBefore, levelAfter);
    if (metric) {
      const before = r?.notApplicable ? '' : norm(r?.metricValue);
      const after = get('metric');
      if (!sameNumber(before, after)) push('metric', before, after);
    }
    const jb = norm(r?.justification);
    const ja = get('justification');
    if (jb !== ja) push('justification', jb, ja);
  }
  return out;
}
