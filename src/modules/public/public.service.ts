import type { Db } from '../../db/client.js';
import type { Instrument } from '../../domain/instrument/index.js';
import { INDEX_FORMULA } from '../../domain/scoring/index.js';
import { NotFoundError } from '../../lib/errors.js';
import type { ResultsService } from '../results/results.service.js';
import { publicRepo } from './public.repo.js';

type CycleRow = Awaited<ReturnType<ReturnType<typeof publicRepo>['publishedCycles']>>[number];

const trim = (v: string | null) =>
  v === null ? null : v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
const dec = (v: string | number) => String(v);

/**
 * What anyone may see without signing in: published cycles and their frozen results (unit data
 * and scores as they were at finalisation), with the method behind them. The numbers come from
 * `results.published`, the same source as open data.
 */
export function publicServiceFactory(db: Db, deps: { results: Pick<ResultsService, 'published'> }) {
  const repo = publicRepo(db);

  const present = (c: CycleRow) => ({
    id: c.id,
    name: c.name,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    publishedAt: c.publishedAt,
    targetIndex: trim(c.targetIndex),
    instrument: { code: c.instrumentCode, version: c.instrumentVersion, title: c.instrumentTitle },
    scope: { code: c.scopeCode, name: c.scopeName },
    unitCount: c.unitCount,
    resultsUrl: `/api/public/cycles/${c.id}/results`,
  });

  return {
    async cycles() {
      return (await repo.publishedCycles()).map(present);
    },

    /** Results of a published cycle; 404 for any other cycle. */
    async results(id: string) {
      const [cycle] = await repo.publishedCycles(id);
      if (!cycle) throw new NotFoundError('Siklus terpublikasi', id);
      const [version, published] = await Promise.all([
        repo.instrumentContent(cycle.instrumentVersionId),
        deps.results.published(id),
      ]);
      const inst = version!.content as Instrument;
      return {
        cycle: present(cycle),
        method: {
          instrument: {
            code: inst.code,
            version: inst.version,
            title: inst.title,
            indexName: inst.indexName ?? null,
            description: inst.description ?? null,
            legalBasis: inst.legalBasis ?? null,
            contentHash: version!.contentHash,
          },
          formula: INDEX_FORMULA.id,
          scale: inst.scale,
          rounding: { decimals: inst.rounding.decimals, mode: inst.rounding.mode },
          predicateBands: inst.predicateBands.map((b) => ({
            name: b.name,
            nameEn: b.nameEn ?? null,
            min: dec(b.min),
            max: dec(b.max),
          })),
          domains: inst.nodes.map((n) => ({ code: n.code, name: n.name, weight: dec(n.weight) })),
          sources: inst.sources.map((s) => ({
            id: s.id,
            title: s.title,
            url: s.url ?? null,
            status: s.status,
          })),
        },
        units: published.units
          .map((u) => ({
            ...u.unit,
            index: u.index,
            predicate: u.predicate,
            rank: u.rank,
            change: u.change,
            domains: u.domains,
            inputsHash: u.snapshotHash,
            finalizedAt: u.finalizedAt,
          }))
          .sort((a, b) => a.name.localeCompare(b.name, 'id')),
      };
    },
  };
}

export type PublicService = ReturnType<typeof publicServiceFactory>;
