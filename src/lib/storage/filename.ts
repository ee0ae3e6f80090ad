/**
 * Safe file names for stored uploads and for the Content-Disposition of downloads. The name a
 * browser sends is untrusted: it may carry path parts, control or bidi-override characters
 * (`evil\u202Efdp.exe`), characters Windows rejects, or be empty.
 */

const MAX_BYTES = 180;
const MAX_EXT = 16;
// C0/C1 controls, bidi embeddings/overrides/isolates, zero-width and BOM characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const RESERVED = /[<>:"/\\|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

export interface SanitizeOptions {
  /** Used when nothing usable is left of the name. */
  fallbackBase?: string;
  /**
   * The extensions that match the file's real type, preferred one first (e.g. ['jpg','jpeg']).
   * A name whose extension is not among them gets the preferred one appended, so the name a
   * user downloads always opens as what the content is.
   */
  extensions?: readonly string[];
}

/** A file name without path parts, control characters or reserved characters; never empty. */
export function sanitizeFilename(raw: string, opts: SanitizeOptions = {}): string {
  const fallback = opts.fallbackBase ?? 'berkas';
  let name = String(raw ?? '').normalize('NFC');
  // Path parts (either separator) go first, before anything could hide a separator.
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.replace(INVISIBLE, '').replace(RESERVED, '_').replace(/\s+/g, ' ');
  // Leading dots would hide the file; trailing dots and spaces are dropped by Windows.
  name = name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');

  let { base, ext } = splitExt(name);
  if (WINDOWS_DEVICE.test(base)) base = `_${base}`;
  if (!base) base = fallback;

  const wanted = opts.extensions?.map((e) => e.toLowerCase());
  if (wanted?.length && !wanted.includes(ext.toLowerCase())) {
    // Keep the sender's extension as part of the name ('x.exe' → 'x.exe.pdf'), never as the type.
    if (ext) base = `${base}.${ext}`;
    ext = wanted[0]!;
  }
  const suffix = ext ? `.${ext}` : '';
  base = truncateUtf8(base, MAX_BYTES - Buffer.byteLength(suffix)).replace(/[\s.]+$/, '') || fallback;
  return `${base}${suffix}`;
}

function splitExt(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { base: name, ext: '' };
  const ext = name.slice(dot + 1);
  if (!ext || ext.length > MAX_EXT || /\s/.test(ext)) return { base: name, ext: '' };
  return { base: name.slice(0, dot), ext };
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (bytes + b > maxBytes) break;
    out += ch;
    bytes += b;
  }
  return out;
}

/**
 * `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 / 8187).
 * The name is sanitised again here so a header can never be split or spoofed.
 */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const safe = sanitizeFilename(name);
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(safe).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
