import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  BlobNotFoundError,
  type BlobStorage,
  BlobTooLargeError,
  keyForSha256,
  type PutOptions,
  type PutResult,
} from './blob-storage.js';

const TEMP_DIR = '.tmp';

/**
 * Blobs as files under `root` (DATA_DIR/files): `root/ab/cd/<sha256>`. An upload is streamed to
 * `root/.tmp/` while it is hashed and counted, then renamed into place (same file system, so the
 * rename is atomic: a reader never sees a half-written blob).
 */
export function localDiskStorage(
  root: string,
): BlobStorage & { root: string; sweepTemp(maxAgeMs: number): Promise<number> } {
  const tempDir = path.join(root, TEMP_DIR);
  const fileOf = (key: string) => {
    assertValidKey(key);
    return path.join(root, ...key.split('/'));
  };

  return {
    root,

    async put<T = undefined>(stream: Readable, opts: PutOptions<T> = {}): Promise<PutResult<T>> {
      await fsp.mkdir(tempDir, { recursive: true });
      const tempPath = path.join(tempDir, `${randomUUID()}.part`);
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (opts.maxBytes !== undefined && size > opts.maxBytes) {
            done(new BlobTooLargeError(opts.maxBytes));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(stream, meter, fs.createWriteStream(tempPath, { flags: 'wx', mode: 0o640 }));
        const sha256 = hash.digest('hex');
        const inspected = (opts.inspect ? await opts.inspect({ tempPath, sha256, size }) : undefined) as T;
        const key = keyForSha256(sha256);
        const target = fileOf(key);
        await fsp.mkdir(path.dirname(target), { recursive: true });
        const created = !(await exists(target));
        if (created) {
          // Flush before the rename so a crash cannot leave a named but empty blob.
          const fh = await fsp.open(tempPath, 'r');
          try {
            await fh.sync();
          } finally {
            await fh.close();
          }
          await fsp.rename(tempPath, target);
        }
        return { key, sha256, size, created, inspected };
      } finally {
        await fsp.rm(tempPath, { force: true });
      }
    },

    async get(key: string): Promise<Readable> {
      const file = fileOf(key);
      // Open first so a missing blob is an error here, not a broken response stream later.
      const fh = await fsp.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw new BlobNotFoundError(key);
        throw err;
      });
      return fh.createReadStream();
    },

    exists: (key: string) => exists(fileOf(key)),

    async delete(key: string): Promise<void> {
      await fsp.rm(fileOf(key), { force: true });
    },

    /** Removes temp files older than `maxAgeMs` left by a crashed process; returns how many. */
    async sweepTemp(maxAgeMs: number): Promise<number> {
      let names: string[];
      try {
        names = await fsp.readdir(tempDir);
      } catch {
        return 0;
      }
      let removed = 0;
      const cutoff = Date.now() - maxAgeMs;
      for (const name of names) {
        const file = path.join(tempDir, name);
        const st = await fsp.stat(file).catch(() => undefined);
        if (st && st.mtimeMs < cutoff) {
          await fsp.rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}
