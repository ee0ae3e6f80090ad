import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tstz, updatedAt } from './common.js';
import { units, users } from './platform.js';

/** One row per instrument version; the content is the whole validated instrument document. */
export const instrumentVersions = pgTable(
  'instrument_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    version: text('version').notNull(),
    title: text('title').notNull(),
    status: text('status').notNull().default('draft'),
    builtin: boolean('builtin').notNull().default(false),
    content: jsonb('content').notNull(),
    /** SHA-256 of the canonical content, fixed at publication. */
    contentHash: text('content_hash').notNull(),
    previousVersionId: uuid('previous_version_id').references((): any => instrumentVersions.id, {
      onDelete: 'restrict',
    }),
    publishedAt: tstz('published_at'),
    retiredAt: tstz('retired_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('instrument_versions_code_version').on(t.code, t.version),
    check('instrument_versions_status', sql`${t.status} IN ('draft','published','retired')`),
  ],
);

export const cycles = pgTable(
  'cycles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    instrumentVersionId: uuid('instrument_version_id')
      .notNull()
      .references(() => instrumentVersions.id, { onDelete: 'restrict' }),
    /** Root of the subtree in scope; `scopeUnitTypes` narrows it (empty = all types). */
    scopeUnitId: uuid('scope_unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'restrict' }),
    scopeUnitTypes: jsonb('scope_unit_types').$type<string[]>().notNull().default([]),
    /** Whether units of a kabupaten/kota below the scope root are in scope too (default: only the root Pemda's own units). */
    scopeIncludeNestedPemda: boolean('scope_include_nested_pemda').notNull().default(false),
    /** [{ phase, startsAt, endsAt }] in ISO-8601 with offset (entered in WIB). */
    phases: jsonb('phases').$type<Array<{ phase: string; startsAt: string; endsAt: string }>>().notNull(),
    targetIndex: numeric('target_index', { precision: 6, scale: 4 }),
    evidenceThreshold: integer('evidence_threshold').notNull().default(2),
    requireSignoff: boolean('require_signoff').notNull().default(false),
    previousCycleId: uuid('previous_cycle_id').references((): any => cycles.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('draft'),
    openedAt: tstz('opened_at'),
    publishedAt: tstz('published_at'),
    /** The scope unit as it was named at publication, so published results never change. */
    publishedScope: jsonb('published_scope').$type<{ code: string; name: string }>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('cycles_status', sql`${t.status} IN ('draft','open','closed','published')`),
    check('cycles_period', sql`${t.periodEnd} >= ${t.periodStart}`),
    check('cycles_evidence_threshold', sql`${t.evidenceThreshold} BETWEEN 1 AND 6`),
  ],
);

export const cycleAssessors = pgTable(
  'cycle_assessors',
  {
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'restrict' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.cycleId, t.unitId, t.userId] }),
    index('cycle_assessors_user_idx').on(t.userId),
  ],
);

export const assessments = pgTable(
  'assessments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id, { onDelete: 'restrict' }),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'restrict' }),
    state: text('state').notNull().default('draft'),
    /** Bumped on every state change; guards concurrent transitions. */
    version: integer('version').notNull().default(1),
    deadlineExtension: tstz('deadline_extension'),
    extensionReason: text('extension_reason'),
    /** Indicator codes the assessor sent back, and the message, while state = returned. */
    returnedIndicators: jsonb('returned_indicators').$type<string[]>().notNull().default([]),
    returnMessage: text('return_message'),
    submittedAt: tstz('submitted_at'),
    submittedBy: uuid('submitted_by').references(() => users.id, { onDelete: 'set null' }),
    signedOffAt: tstz('signed_off_at'),
    signedOffBy: uuid('signed_off_by').references(() => users.id, { onDelete: 'set null' }),
    /** SHA-256 of the answers the unit head signed off; a sign-off is valid only while the answers still hash to it. */
    signedOffHash: text('signed_off_hash'),
    verifiedAt: tstz('verified_at'),
    finalizedAt: tstz('finalized_at'),
    currentSnapshotId: uuid('current_snapshot_id').references((): any => scoreSnapshots.id, {
      onDelete: 'restrict',
    }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('assessments_cycle_unit').on(t.cycleId, t.unitId),
    index('assessments_unit_idx').on(t.unitId),
    check(
      'assessments_state',
      sql`${t.state} IN ('draft','submitted','returned','resubmitted','verified','final','published')`,
    ),
  ],
);

/** The unit's own ledger: one row per indicator. */
export const responses = pgTable(
  'responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => assessments.id, { onDelete: 'cascade' }),
    indicatorCode: text('indicator_code').notNull(),
    level: integer('level'),
    notApplicable: boolean('not_applicable').notNull().default(false),
    metricValue: numeric('metric_value'),
    justification: text('justification'),
    /** Carried over from an earlier cycle and not yet confirmed by the unit. */
    needsConfirmation: boolean('needs_confirmation').notNull().default(false),
    version: integer('version').notNull().default(1),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('responses_assessment_indicator').on(t.assessmentId, t.indicatorCode),
    check('responses_level', sql`${t.level} IS NULL OR ${t.level} BETWEEN 1 AND 5`),
    check('responses_na_or_level', sql`NOT (${t.notApplicable} AND ${t.level} IS NOT NULL)`),
  ],
);

/** The assessor's ledger: one row per indicator. */
export const verifications = pgTable(
  'verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => assessments.id, { onDelete: 'cascade' }),
    indicatorCode: text('indicator_code').notNull(),
    level: integer('level'),
    /** Assessor accepts the unit's not-applicable claim. */
    notApplicable: boolean('not_applicable').notNull().default(false),
    /** Verified measured value of a metric indicator (level is derived from it by the thresholds). */
    metricValue: numeric('metric_value'),
    reasonCode: text('reason_code').notNull(),
    note: text('note'),
    stage: text('stage').notNull(),
    /** Version of the unit's response this verification was made against; older = stale. */
    responseVersion: integer('response_version'),
    version: integer('version').notNull().default(1),
    verifiedBy: uuid('verified_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('verifications_assessment_indicator').on(t.assessmentId, t.indicatorCode),
    check('verifications_level', sql`${t.level} IS NULL OR ${t.level} BETWEEN 1 AND 5`),
    check('verifications_stage', sql`${t.stage} IN ('dokumen','interviu','visitasi')`),
    check('verifications_na_or_level', sql`NOT (${t.notApplicable} AND ${t.level} IS NOT NULL)`),
  ],
);

/** Append-only discussion per indicator (a trigger rejects UPDATE and DELETE). */
export const comments = pgTable(
  'comments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => assessments.id, { onDelete: 'restrict' }),
    indicatorCode: text('indicator_code').notNull(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('comments_thread_idx').on(t.assessmentId, t.indicatorCode)],
);

/** Evidence library of a unit: a stored file (by SHA-256) or a link. */
export const evidence = pgTable(
  'evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'restrict' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    docType: text('doc_type'),
    docDate: date('doc_date', { mode: 'string' }),
    validUntil: date('valid_until', { mode: 'string' }),
    url: text('url'),
    sha256: text('sha256'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    mimeType: text('mime_type'),
    originalName: text('original_name'),
    storageKey: text('storage_key'),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('evidence_unit_idx').on(t.unitId),
    unique('evidence_unit_sha256').on(t.unitId, t.sha256),
    check('evidence_kind', sql`${t.kind} IN ('file','link')`),
    check(
      'evidence_kind_fields',
      sql`(${t.kind} = 'file' AND ${t.sha256} IS NOT NULL AND ${t.storageKey} IS NOT NULL) OR (${t.kind} = 'link' AND ${t.url} IS NOT NULL)`,
    ),
  ],
);

export const responseEvidence = pgTable(
  'response_evidence',
  {
    responseId: uuid('response_id')
      .notNull()
      .references(() => responses.id, { onDelete: 'cascade' }),
    evidenceId: uuid('evidence_id')
      .notNull()
      .references(() => evidence.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.responseId, t.evidenceId] }),
    index('response_evidence_evidence_idx').on(t.evidenceId),
  ],
);

/** Frozen score of a finalised assessment; never updated, superseded by a newer one on reopen. */
export const scoreSnapshots = pgTable(
  'score_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => assessments.id, { onDelete: 'restrict' }),
    instrumentVersionId: uuid('instrument_version_id')
      .notNull()
      .references(() => instrumentVersions.id, { onDelete: 'restrict' }),
    inputs: jsonb('inputs').notNull(),
    result: jsonb('result').notNull(),
    inputsHash: text('inputs_hash').notNull(),
    /** Verified index as reported (rounded); kept as text so no float creeps in. */
    indexValue: text('index_value'),
    predicate: text('predicate'),
    /** Self-assessed index on the same instrument, for the over-claiming gap (rounded text). */
    selfIndexValue: text('self_index_value'),
    selfPredicate: text('self_predicate'),
    /** Score of the self-assessed ledger (partial scoring), beside `result` (the verified score). */
    selfResult: jsonb('self_result'),
    reopenReason: text('reopen_reason'),
    supersededAt: tstz('superseded_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('score_snapshots_assessment_idx').on(t.assessmentId),
    /** At most one current (not superseded) snapshot per assessment. */
    uniqueIndex('score_snapshots_current').on(t.assessmentId).where(sql`${t.supersededAt} IS NULL`),
  ],
);
