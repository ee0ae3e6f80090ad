import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { ChangeEpoch, type ChangeKind } from './lib/change-epoch.js';
import { createBlobStorage } from './lib/storage/index.js';
import { assessmentsRoutes } from './modules/assessments/assessments.routes.js';
import { assessmentsServiceFactory } from './modules/assessments/assessments.service.js';
import { auditRoutes, auditServiceFactory } from './modules/audit/audit.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { authServiceFactory } from './modules/auth/auth.service.js';
import { cyclesRoutes } from './modules/cycles/cycles.routes.js';
import { cyclesServiceFactory } from './modules/cycles/cycles.service.js';
import { evidenceRoutes } from './modules/evidence/evidence.routes.js';
import { evidenceServiceFactory } from './modules/evidence/evidence.service.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { instrumentsRoutes } from './modules/instruments/instruments.routes.js';
import { instrumentsServiceFactory } from './modules/instruments/instruments.service.js';
import { jobsRoutes } from './modules/jobs/jobs.routes.js';
import { jobsServiceFactory } from './modules/jobs/jobs.service.js';
import { opendataRoutes } from './modules/opendata/opendata.routes.js';
import { opendataServiceFactory } from './modules/opendata/opendata.service.js';
import { publicRoutes } from './modules/public/public.routes.js';
import { publicServiceFactory } from './modules/public/public.service.js';
import { reportsRoutes } from './modules/reports/reports.routes.js';
import { reportsServiceFactory } from './modules/reports/reports.service.js';
import { insightRoutes, insightServiceFactory } from './modules/results/insight.routes.js';
import { resultsRoutes } from './modules/results/results.routes.js';
import { resultsServiceFactory } from './modules/results/results.service.js';
import { unitsRoutes } from './modules/units/units.routes.js';
import { unitsServiceFactory } from './modules/units/units.service.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { usersServiceFactory } from './modules/users/users.service.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { registerWeb } from './plugins/web.js';

export { APP_VERSION } from './version.js';

import { APP_VERSION } from './version.js';

export interface AppOptions {
  config: Config;
  database: Database;
  /** false in tests; a pino options object or true in the server. */
  logger?: boolean | object;
}

/** Builds the services every route and CLI command shares. */
export function buildServices(database: Database, config: Config) {
  const db = database.db;
  const instruments = instrumentsServiceFactory(db);
  // Publishing a cycle releases its open data (late-bound: opendata needs results, built below).
  const cycles = cyclesServiceFactory(db, { onPublished: (id, ctx) => opendata.release(id, ctx) });
  const epoch = new ChangeEpoch();
  const results = resultsServiceFactory(db, instruments, { epoch });
  const jobs = jobsServiceFactory(db, config);
  const opendata = opendataServiceFactory(db, { results, config });
  const assessments = assessmentsServiceFactory(db, { cycles });
  return {
    auth: authServiceFactory(db, config, { epoch }),
    users: usersServiceFactory(db),
    units: unitsServiceFactory(db),
    audit: auditServiceFactory(db),
    cycles,
    assessments,
    publicResults: publicServiceFactory(db, { results }),
    instruments,
    results,
    epoch,
    jobs,
    reports: reportsServiceFactory(db, { results, jobs, assessments }),
    opendata,
    evidence: evidenceServiceFactory(db, {
      storage: createBlobStorage(config),
      uploadMaxBytes: config.uploadMaxBytes,
    }),
  };
}
export type Services = ReturnType<typeof buildServices>;

/** The testable application: plugins and routes registered explicitly, in order. */
export async function buildApp({ config, database, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        frameSrc: ["'self'"],
        objectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  // Per-route limits only (login); the store is in memory per instance, the lockout itself lives in the database.
  await app.register(rateLimit, { global: false });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Mercusuar API',
        version: APP_VERSION,
        description: 'Evaluasi digitalisasi perangkat daerah',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mercusuar_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const services = buildServices(database, config);
  app.decorate('services', services);
  registerAuth(app, services.auth, config);
  // A committed change through the API makes cached read answers stale (src/lib/change-epoch.ts).
  // onSend runs after the handler's transaction committed and before the client hears of it.
  app.addHook('onSend', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400)
      services.epoch.bump(request.routeOptions.config.change ?? 'any');
  });

  await app.register(
    async (api) => {
      await api.register(healthRoutes, { database });
      await api.register(authRoutes, {
        auth: services.auth,
        cookieSecure: config.cookieSecure,
        sessionTtlMs: config.sessionTtlMs,
      });
      await api.register(usersRoutes, { users: services.users });
      await api.register(unitsRoutes, { units: services.units, importMaxBytes: config.importMaxBytes });
      await api.register(auditRoutes, { audit: services.audit });
      await api.register(cyclesRoutes, { cycles: services.cycles });
      // A unit's work (answers, verifications, transitions, comments, evidence) never changes who
      // a session belongs to or what it may do: these writes leave cached sessions valid; the
      // ledger writes among them are marked by their routes (change-epoch.ts).
      await api.register(async (work) => {
        work.addHook('onRoute', (route) => {
          route.config = { change: 'work', ...route.config };
        });
        await work.register(assessmentsRoutes, { assessments: services.assessments });
        await work.register(evidenceRoutes, {
          evidence: services.evidence,
          uploadMaxBytes: config.uploadMaxBytes,
        });
      });
      await api.register(publicRoutes, { publicResults: services.publicResults });
      await api.register(resultsRoutes, { results: services.results });
      await api.register(insightRoutes, {
        insight: insightServiceFactory(database.db, {
          results: services.results,
          reportsData: services.reports.data,
        }),
      });
      await api.register(reportsRoutes, { reports: services.reports, importMaxBytes: config.importMaxBytes });
      await api.register(jobsRoutes, { jobs: services.jobs });
      await api.register(opendataRoutes, { opendata: services.opendata });
      await api.register(instrumentsRoutes, {
        instruments: services.instruments,
        importMaxBytes: config.importMaxBytes,
      });
    },
    { prefix: '/api' },
  );

  // The web app (web/dist) at `/`, last so that `/api/*` always wins; skipped when not built.
  await registerWeb(app);

  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
  interface FastifyContextConfig {
    /** What the route's writes can change, for the caches (see ChangeEpoch); default 'any'. */
    change?: ChangeKind;
  }
}
