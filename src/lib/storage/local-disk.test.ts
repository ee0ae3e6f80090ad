import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobNotFoundError, BlobTooLargeError, InvalidBlobKeyError } from './blob-storage.js';
import { localDiskStorage } from './local-disk.js';

const roots: string[] = [];
function freshStore() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-blobs-'));
  roots.push(root);
  return localDiskStorage(root);
}
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const chunked = (b: Buffer, size = 1000) =>
  Readable.from(
    Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)),
  );
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}
async function readAll(s: Readable) {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('localDiskStorage', () => {
  it('stores a stream under its SHA-256 and gives the same bytes back', async () => {
    const store = freshStore();
    const data = Buffer.from('x'.repeat(10_000) + 'bukti');
    const put = await store.put(chunked(data));
    const h = sha(data);
    expect(put).toMatchObject({
      sha256: h,
      size: data.length,
      created: true,
      key: `${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`,
    });
    expect(fs.readFileSync(path.join(store.root, put.key))).toEqual(data);
    expect(await store.exists(put.key)).toBe(true);
    expect(await readAll(await store.get(put.key))).toEqual(data);
    expect(filesUnder(path.join(store.root, '.tmp'))).toEqual([]);
  });

  it('keeps one copy of the same bytes', async () => {
    const store = freshStore();
    const data = Buffer.from('sama');
    const a = await store.put(Readable.from([data]));
    const b = await store.put(Readable.from([data]));
    expect(b).toMatchObject({ key: a.key, created: false });
    expect(filesUnder(store.root)).toEqual([a.key]);
  });

  it('refuses a stream over the limit and keeps nothing', async () => {
    const store = freshStore();
    await expect(store.put(chunked(Buffer.alloc(5000, 1)), { maxBytes: 4096 })).rejects.toBeInstanceOf(
      BlobTooLargeError,
    );
    expect(filesUnder(store.root)).toEqual([]);
    // exactly at the limit is fine
    const ok = await store.put(chunked(Buffer.alloc(4096, 2)), { maxBytes: 4096 });
    expect(ok.size).toBe(4096);
  });

  it('discards the bytes when inspection rejects them, and passes on its result when it accepts', async () => {
    const store = freshStore();
    const err = new Error('not allowed');
    await expect(
      store.put(Readable.from([Buffer.from('MZ')]), {
        inspect: ({ tempPath }) => {
          expect(fs.readFileSync(tempPath).toString()).toBe('MZ');
          throw err;
        },
      }),
    ).rejects.toBe(err);
    expect(filesUnder(store.root)).toEqual([]);
    const put = await store.put(Readable.from([Buffer.from('%PDF')]), {
      inspect: ({ size }) => `size ${size}`,
    });
    expect(put.inspected).toBe('size 4');
  });

  it('leaves no temp file when the source stream fails midway', async () => {
    const store = freshStore();
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(100));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(store.put(broken)).rejects.toThrow('connection reset');
    expect(filesUnder(store.root)).toEqual([]);
  });

  it('rejects keys that are not its own content addresses', async () => {
    const store = freshStore();
    for (const key of ['../../etc/passwd', 'ab/cd/../../x', `aa/bb/${'c'.repeat(64)}`, '']) {
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
  });

  it('reports a missing blob and deletes idempotently', async () => {
    const store = freshStore();
    const put = await store.put(Readable.from([Buffer.from('hapus')]));
    await store.delete(put.key);
    await store.delete(put.key);
    expect(await store.exists(put.key)).toBe(false);
    await expect(store.get(put.key)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('sweeps stale temp files only', async () => {
    const store = freshStore();
    const tmp = path.join(store.root, '.tmp');
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'old.part'), 'x');
    fs.writeFileSync(path.join(tmp, 'new.part'), 'y');
    const old = new Date(Date.now() - 2 * 24 * 3600_000);
    fs.utimesSync(path.join(tmp, 'old.part'), old, old);
    expect(await store.sweepTemp(24 * 3600_000)).toBe(1);
    expect(fs.readdirSync(tmp)).toEqual(['new.part']);
  });
});
