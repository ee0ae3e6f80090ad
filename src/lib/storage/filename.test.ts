import { describe, expect, it } from 'vitest';
import { contentDisposition, sanitizeFilename } from './filename.js';

describe('sanitizeFilename', () => {
  it('drops path parts with either separator and control characters', () => {
    expect(sanitizeFilename('../../etc/passwd\u0007.pdf')).toBe('passwd.pdf');
    expect(sanitizeFilename('C:\\Users\\budi\\laporan akhir.pdf')).toBe('laporan akhir.pdf');
    expect(sanitizeFilename('a/b\\c\u0000\u001f\u007f.docx')).toBe('c.docx');
  });

  it('removes bidi overrides so a name cannot disguise its extension', () => {
    expect(sanitizeFilename('evil\u202Efdp.exe', { extensions: ['pdf'] })).toBe('evilfdp.exe.pdf');
  });

  it('replaces characters Windows reserves and neutralises device names', () => {
    expect(sanitizeFilename('a<b>c:d|e?f*"g.pdf')).toBe('a_b_c_d_e_f__g.pdf');
    expect(sanitizeFilename('CON.pdf')).toBe('_CON.pdf');
    expect(sanitizeFilename('lpt1')).toBe('_lpt1');
  });

  it('never returns an empty name or a hidden dot-file', () => {
    expect(sanitizeFilename('')).toBe('berkas');
    expect(sanitizeFilename('....')).toBe('berkas');
    expect(sanitizeFilename('../', { extensions: ['pdf'] })).toBe('berkas.pdf');
    expect(sanitizeFilename('.htaccess')).toBe('htaccess');
    expect(sanitizeFilename('\u202E\u0001')).toBe('berkas');
  });

  it('appends the extension of the real type when the name claims another', () => {
    expect(sanitizeFilename('setup.exe', { extensions: ['pdf'] })).toBe('setup.exe.pdf');
    expect(sanitizeFilename('scan', { extensions: ['png'] })).toBe('scan.png');
    expect(sanitizeFilename('foto.JPEG', { extensions: ['jpg', 'jpeg'] })).toBe('foto.JPEG');
  });

  it('trims long names to 180 UTF-8 bytes and keeps the extension', () => {
    const out = sanitizeFilename(`${'é'.repeat(400)}.docx`, { extensions: ['docx'] });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(180);
    expect(out.endsWith('.docx')).toBe(true);
    expect(out.startsWith('éé')).toBe(true);
    expect(out).not.toContain('\uFFFD');
  });
});

describe('contentDisposition', () => {
  it('carries an ASCII fallback and the UTF-8 name (RFC 8187)', () => {
    expect(contentDisposition('attachment', 'Laporan Ω (final).pdf')).toBe(
      `attachment; filename="Laporan _ (final).pdf"; filename*=UTF-8''Laporan%20%CE%A9%20%28final%29.pdf`,
    );
  });

  it('cannot be split or closed early by a hostile name', () => {
    const h = contentDisposition('inline', 'a"b\r\nSet-Cookie: x=1;.pdf');
    expect(h).not.toMatch(/[\r\n]/);
    expect(h.match(/"/g)).toHaveLength(2);
    expect(h.startsWith('inline; filename="')).toBe(true);
  });
});
