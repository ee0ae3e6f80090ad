import { readFileSync } from 'node:fs';

/** The generator version written into reports and backups: package.json's version. */
export const APP_VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;
