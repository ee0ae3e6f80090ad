import { PassThrough, type Writable } from 'node:stream';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF_TYPE = 'application/pdf';

/** A generated file: its name and type, and a function that writes it (streamed for workbooks). */
export interface ReportFile {
  filename: string;
  contentType: string;
  write(out: Writable): Promise<void>;
}

/** Collects a report file into memory (tests, ZIP entries, small files). */
export async function reportToBuffer(file: ReportFile): Promise<Buffer> {
  const pass = new PassThrough();
  const chunks: Buffer[] = [];
  pass.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    pass.on('end', resolve);
    pass.on('error', reject);
  });
  await file.write(pass);
  pass.end();
  await done;
  return Buffer.concat(chunks);
}

/** A lower-case file-name part from a name: "Evaluasi SKPD 2026" → "evaluasi-skpd-2026". */
export function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'laporan'
  );
}
