import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/** Stored files (evidence) live under DATA_DIR/files; uploads in progress under its `.tmp`. */
export const filesRoot = (dataDir: string) => path.join(dataDir, 'files');
const SKIP_TOP = new Set(['.tmp']);

/**
 * Every regular file under DATA_DIR/files as a "/"-separated relative path, sorted so that the
 * archive is deterministic. Symbolic links and the temp folder of unfinished uploads are skipped.
 * A missing folder yields nothing.
 */
export async function listStoredFiles(dataDir: string): Promise<string[]> {
  const root = filesRoot(dataDir);
  const out: string[] = [];
  async function walk(dir: string, rel: string[]) {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      if (rel.length === 0 && SKIP_TOP.has(e.name)) continue;
      if (e.isDirectory()) await walk(path.join(dir, e.name), [...rel, e.name]);
      else if (e.isFile()) out.push([...rel, e.name].join('/'));
    }
  }
  await walk(root, []);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function sha256OfFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Restored files are first written to a staging folder beside DATA_DIR/files and moved into place
 * only after the database transaction has committed; a failed restore leaves DATA_DIR/files as it was.
 */
export class FileStage {
  readonly dir: string;
  /** Staged files to move, and files already present with identical content. */
  readonly staged: string[] = [];
  readonly identical: string[] = [];
  private current: {
    rel: string;
    handle: fsp.FileHandle;
    hash: ReturnType<typeof createHash>;
    size: number;
  } | null = null;

  constructor(private readonly dataDir: string) {
    this.dir = path.join(dataDir, `files-restore-${randomBytes(6).toString('hex')}`);
  }

  async begin(rel: string) {
    const target = path.join(this.dir, ...rel.split('/'));
    await fsp.mkdir(path.dirname(target), { recursive: true });
    this.current = { rel, handle: await fsp.open(target, 'wx', 0o640), hash: createHash('sha256'), size: 0 };
  }

  async write(bytes: Buffer) {
    const c = this.current!;
    c.hash.update(bytes);
    c.size += bytes.length;
    await c.handle.write(bytes);
  }

  /** Closes the current file; returns its size and SHA-256 and whether DATA_DIR/files holds other bytes there. */
  async end(): Promise<{ rel: string; size: number; sha256: string; conflict: boolean }> {
    const c = this.current!;
    this.current = null;
    await c.handle.sync();
    await c.handle.close();
    const sha256 = c.hash.digest('hex');
    const existing = path.join(filesRoot(this.dataDir), ...c.rel.split('/'));
    let conflict = false;
    if (fs.existsSync(existing)) {
      if ((await sha256OfFile(existing)) === sha256) this.identical.push(c.rel);
      else conflict = true;
      await fsp.rm(path.join(this.dir, ...c.rel.split('/')));
    } else {
      this.staged.push(c.rel);
    }
    return { rel: c.rel, size: c.size, sha256, conflict };
  }

  /** Moves the staged files into DATA_DIR/files (same file system: each rename is atomic). */
  async commit() {
    const root = filesRoot(this.dataDir);
    for (const rel of this.staged) {
      const target = path.join(root, ...rel.split('/'));
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(path.join(this.dir, ...rel.split('/')), target);
    }
    await this.discard();
  }

  async discard() {
    if (this.current) await this.current.handle.close().catch(() => {});
    this.current = null;
    await fsp.rm(this.dir, { recursive: true, force: true });
  }
}
