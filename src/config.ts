import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const bool = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', ''].includes(v), {
      message: `${name} must be 1/0, true/false or yes/no`,
    })
    .transform((v) => (v === '' ? undefined : ['1', 'true', 'yes'].includes(v)));

const positiveInt = (name: string, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n > 0, `${name} must be greater than 0`)
    .refine((n) => n <= max, `${name} must be at most ${max}`);

/** Every setting Mercusuar reads from the environment, with its default. */
const envSchema = z.object({
  PORT: positiveInt('PORT', 65535).default(3000),
  HOST: z.string().trim().min(1, 'HOST must not be empty').default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1, 'DATA_DIR must not be empty').default('./data'),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: 'DATABASE_URL must start with postgres:// or postgresql://',
    }),
  SEED_DEMO: bool('SEED_DEMO').optional(),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  UPLOAD_MAX_MB: positiveInt('UPLOAD_MAX_MB').default(25),
  IMPORT_MAX_MB: positiveInt('IMPORT_MAX_MB').default(10),
  // Upper bounds keep expiry dates computable (a year of idle session, a week of lockout).
  SESSION_TTL_HOURS: positiveInt('SESSION_TTL_HOURS', 24 * 366).default(12),
  LOGIN_MAX_FAILURES: positiveInt('LOGIN_MAX_FAILURES', 1000).default(5),
  LOGIN_LOCKOUT_MINUTES: positiveInt('LOGIN_LOCKOUT_MINUTES', 7 * 24 * 60).default(15),
  COOKIE_SECURE: bool('COOKIE_SECURE').optional(),
  PUBLIC_ORIGIN: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.replace(/\/$/, '') : undefined))
    .refine((v) => v === undefined || /^https?:\/\/[^/]+$/.test(v), {
      message: 'PUBLIC_ORIGIN must look like https://mercusuar.example.go.id (no path)',
    }),
  OPEN_DATA_LICENSE: z.string().trim().default('CC-BY-4.0'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Seed demo data on an empty database: undefined means "embedded default only". */
  seedDemo: boolean | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  uploadMaxBytes: number;
  importMaxBytes: number;
  sessionTtlMs: number;
  loginMaxFailures: number;
  loginLockoutMs: number;
  cookieSecure: boolean;
  publicOrigin: string | undefined;
  openDataLicense: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  // An empty variable (`PORT=` in a compose file) means "not set": the default applies.
  const picked = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === undefined || env[k] === '' ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) => `${String(i.path[0] ?? '?')}=${JSON.stringify(picked[String(i.path[0])])}: ${i.message}`,
      ),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
    uploadMaxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
    importMaxBytes: e.IMPORT_MAX_MB * 1024 * 1024,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockoutMs: e.LOGIN_LOCKOUT_MINUTES * 60_000,
    cookieSecure: e.COOKIE_SECURE ?? false,
    publicOrigin: e.PUBLIC_ORIGIN,
    openDataLicense: e.OPEN_DATA_LICENSE,
    ...overrides,
  };
}
