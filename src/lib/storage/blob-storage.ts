import type { Readable } from 'node:stream';

/** A blob fully received and hashed, not yet moved to its content-addressed place. */
export interface StagedBlob {
  /** A local file holding the bytes (for content sniffing); removed after `put` returns. */
  tempPath: string;
  sha256: string;
  size: number;
}

export interface PutOptions<T> {
  /** Refuse streams longer than this many bytes (BlobTooLargeError); nothing is kept. */
  maxBytes?: number;
  /**
   * Runs on the staged bytes before they are committed. Throwing here discards them, so a
   * rejected upload (wrong type, failed check) never reaches the store. Its result is returned.
   */
  inspect?: (staged: StagedBlob) => Promise<T> | T;
}

export interface PutResult<T = undefined> {
  /** Content-addressed key, `ab/cd/<sha256>`: the same bytes always get the same key. */
  key: string;
  sha256: string;
  size: number;
  /** False when the store already held these bytes (nothing new was written). */
  created: boolean;
  inspected: T;
}

/**
 * Where evidence files live: outside the database, addressed by their SHA-256. The local-disk
 * implementation is the default; an S3-compatible one can implement the same interface
 * (spooling to a local temp file for `inspect`, then uploading).
 */
export interface BlobStorage {
  put<T = undefined>(stream: Readable, opts?: PutOptions<T>): Promise<PutResult<T>>;
  /** A stream of the stored bytes; BlobNotFoundError when the key is not stored. */
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Removes the blob; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

export class BlobTooLargeError extends Error {
  constructor(public readonly maxBytes: number) {
    super(`blob exceeds ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class BlobNotFoundError extends Error {
  constructor(public readonly key: string) {
    super(`blob ${key} not found`);
    this.name = 'BlobNotFoundError';
  }
}

export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`invalid blob key ${JSON.stringify(key.slice(0, 100))}`);
    this.name = 'InvalidBlobKeyError';
  }
}

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The content-addressed key of a SHA-256 (hex, lower case). */
export function keyForSha256(sha256: string): string {
  const key = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  assertValidKey(key);
  return key;
}

/** Keys are only ever our own shape: nothing a caller passes can point outside the store. */
export function assertValidKey(key: string): void {
  if (!KEY.test(key) || key.slice(0, 2) !== key.slice(6, 8) || key.slice(3, 5) !== key.slice(8, 10)) {
    throw new InvalidBlobKeyError(key);
  }
}
