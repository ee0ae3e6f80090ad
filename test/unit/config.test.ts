import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected loadConfig to fail');
}

describe('configuration', () => {
  it('uses the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      seedDemo: undefined,
      logLevel: 'info',
      uploadMaxBytes: 25 * 1024 * 1024,
      importMaxBytes: 10 * 1024 * 1024,
      sessionTtlMs: 12 * 3600_000,
      loginMaxFailures: 5,
      loginLockoutMs: 15 * 60_000,
      cookieSecure: false,
      publicOrigin: undefined,
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/srv/mercusuar',
      DATABASE_URL: 'postgresql://u:p@db:5432/mercusuar',
      SEED_DEMO: '1',
      LOG_LEVEL: 'DEBUG',
      UPLOAD_MAX_MB: '50',
      IMPORT_MAX_MB: '5',
      SESSION_TTL_HOURS: '2',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCKOUT_MINUTES: '1',
      COOKIE_SECURE: 'true',
      PUBLIC_ORIGIN: 'https://mercusuar.example.go.id/',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/mercusuar',
      databaseUrl: 'postgresql://u:p@db:5432/mercusuar',
      seedDemo: true,
      logLevel: 'debug',
      uploadMaxBytes: 50 * 1024 * 1024,
      importMaxBytes: 5 * 1024 * 1024,
      sessionTtlMs: 2 * 3600_000,
      loginMaxFailures: 3,
      loginLockoutMs: 60_000,
      cookieSecure: true,
      publicOrigin: 'https://mercusuar.example.go.id',
    });
  });

  it.each([
    ['SEED_DEMO', '0', false],
    ['SEED_DEMO', 'no', false],
    ['SEED_DEMO', 'YES', true],
  ])('reads %s=%s as %s', (name, value, want) => {
    expect(loadConfig({ [name]: value }).seedDemo).toBe(want);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', SEED_DEMO: '' })).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      seedDemo: undefined,
    });
  });

  it.each([
    ['PORT', 'abc', /PORT="abc": PORT must be a whole number/],
    ['PORT', '70000', /PORT="70000": PORT must be at most 65535/],
    ['PORT', '0', /PORT="0": PORT must be greater than 0/],
    ['PORT', '-1', /PORT="-1": PORT must be a whole number/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud": LOG_LEVEL must be one of fatal, error, warn, info/],
    [
      'DATABASE_URL',
      'mysql://root@localhost/db',
      /DATABASE_URL="mysql:\/\/root@localhost\/db": DATABASE_URL must start with postgres:\/\//,
    ],
    ['SEED_DEMO', 'maybe', /SEED_DEMO="maybe": SEED_DEMO must be 1\/0, true\/false or yes\/no/],
    ['COOKIE_SECURE', 'sometimes', /COOKIE_SECURE="sometimes": COOKIE_SECURE must be 1\/0/],
    ['UPLOAD_MAX_MB', '2.5', /UPLOAD_MAX_MB="2.5": UPLOAD_MAX_MB must be a whole number/],
    ['SESSION_TTL_HOURS', '999999999', /SESSION_TTL_HOURS="999999999": SESSION_TTL_HOURS must be at most/],
    ['LOGIN_MAX_FAILURES', 'five', /LOGIN_MAX_FAILURES="five": LOGIN_MAX_FAILURES must be a whole number/],
    ['PUBLIC_ORIGIN', 'https://x.go.id/app', /PUBLIC_ORIGIN=.*no path/],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('lists every bad variable at once, each on its own line of the error message', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', SEED_DEMO: 'maybe' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems.map((p) => p.split('=')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'SEED_DEMO']);
    expect(error?.message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it('lets tests override single settings after validation', () => {
    expect(loadConfig({}, { loginLockoutMs: 200 }).loginLockoutMs).toBe(200);
  });
});
