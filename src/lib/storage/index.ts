import path from 'node:path';
import type { Config } from '../../config.js';
import type { BlobStorage } from './blob-storage.js';
import { localDiskStorage } from './local-disk.js';

export * from './blob-storage.js';
export { contentDisposition, sanitizeFilename } from './filename.js';
export { localDiskStorage } from './local-disk.js';

/** The configured blob store: local disk under DATA_DIR/files (S3 can be added behind the same interface). */
export function createBlobStorage(config: Pick<Config, 'dataDir'>): BlobStorage {
  const storage = localDiskStorage(path.join(config.dataDir, 'files'));
  // Temp files of uploads cut off by a crash; a day old is well past any live upload.
  storage.sweepTemp(24 * 3600_000).catch(() => {});
  return storage;
}
