import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';

/**
 * Writes "\n"-terminated lines into a gzip file, honouring back-pressure, and hashes the
 * compressed bytes (the checksum of the archive file itself, for the side manifest).
 */
export class GzipLineWriter {
  private readonly gzip = zlib.createGzip({ level: 6 });
  private readonly fileHash = createHash('sha256');
  private readonly done: Promise<void>;
  private failed: Error | undefined;
  bytes = 0;

  constructor(file: string) {
    const tap = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.fileHash.update(chunk);
        this.bytes += chunk.length;
        cb(null, chunk);
      },
    });
    this.done = pipeline(this.gzip, tap, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    this.done.catch((err: Error) => {
      this.failed = err;
    });
  }

  async write(line: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.gzip.write(`${line}\n`)) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  /** Flushes and closes the file; returns the SHA-256 of the compressed bytes. */
  async finish(): Promise<string> {
    this.gzip.end();
    await this.done;
    return this.fileHash.digest('hex');
  }

  /** Stops writing after a failure (the caller removes the file). */
  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => {});
  }
}

/**
 * Reads the lines of a gzip file without holding it in memory. A truncated or damaged gzip
 * stream surfaces as an error from the iteration (never as a silent end of input); a final
 * fragment without its "\n" is yielded with `complete: false`.
 */
export async function* readGzipLines(file: string): AsyncGenerator<{ line: string; complete: boolean }> {
  const source = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let pending: string[] = [];
  try {
    for await (const buf of gunzip as AsyncIterable<Buffer>) {
      const s = decoder.write(buf);
      let start = 0;
      for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', start)) {
        pending.push(s.slice(start, i));
        yield { line: pending.join(''), complete: true };
        pending = [];
        start = i + 1;
      }
      if (start < s.length) pending.push(s.slice(start));
    }
    pending.push(decoder.end());
    const rest = pending.join('');
    if (rest.length > 0) yield { line: rest, complete: false };
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}
