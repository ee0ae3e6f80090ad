-- Saving answers in batches (group commit): the answers that arrive while the previous batch is
-- on its way to the database go together in one statement (src/lib/batcher.ts). Same rules as
-- mercusuar_save_response of 0004, which it replaces, applied set-wise: an item is written only
-- when every fact the service's decision rested on still holds — the assessment row (version,
-- deadline extension), the cycle's phase windows and instrument version, the unit's path (scope)
-- and type (which indicators apply) — the answer's version is the expected one, its evidence
-- links are unchanged and the answer really changes (or the first answer, without evidence, is
-- inserted); each write gets its audit row.
-- An item that does not qualify returns no row and is decided by the service's transaction. Of
-- several items for the same answer only the first (lowest idx) is tried; the others go to the
-- transaction, which answers them 409 or as an idempotent repeat.
-- Caller: src/modules/assessments/assessments.repo.ts (saveResponseFast).

DROP FUNCTION IF EXISTS mercusuar_save_response(uuid, text, int, timestamptz, int, int, boolean, numeric,
  text, jsonb, uuid, text, uuid, text, text, text, timestamptz);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION mercusuar_save_responses(p_items jsonb, p_now timestamptz)
RETURNS TABLE (idx int, id uuid, assessment_id uuid, indicator_code text, level int,
               not_applicable boolean, metric_value text, justification text,
               needs_confirmation boolean, version int, updated_by uuid, created_at timestamptz,
               updated_at timestamptz, updated_by_name text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH items AS (
    SELECT DISTINCT ON (i.assessment, i.code) i.*
      FROM jsonb_to_recordset(p_items) AS i(idx int, assessment uuid, code text,
             assessment_version int, extension timestamptz, phases jsonb, instrument_version uuid,
             unit_type text, expected int, level int, na boolean,
             metric numeric, justification text, evidence jsonb, actor uuid, actor_email text,
             unit uuid, unit_path text, request_id text, ip text)
     ORDER BY i.assessment, i.code, i.idx
  ),
  ok AS (
    SELECT i.* FROM items i
      JOIN assessments x ON x.id = i.assessment
      JOIN cycles c ON c.id = x.cycle_id
      JOIN units u ON u.id = x.unit_id
     WHERE x.version = i.assessment_version AND x.deadline_extension IS NOT DISTINCT FROM i.extension
       AND c.phases = i.phases AND c.instrument_version_id = i.instrument_version
       AND u.path = i.unit_path AND u.type = i.unit_type
     FOR SHARE OF x
  ),
  cur AS (
    SELECT i.idx, r.id, r.indicator_code, r.level, r.not_applicable, r.metric_value, r.justification,
           r.needs_confirmation, r.version,
           coalesce((SELECT jsonb_agg(re.evidence_id ORDER BY re.evidence_id)
                       FROM response_evidence re WHERE re.response_id = r.id), '[]'::jsonb) AS evidence
      FROM ok i JOIN responses r ON r.assessment_id = i.assessment AND r.indicator_code = i.code
  ),
  upd AS (
    UPDATE responses r
       SET level = i.level, not_applicable = i.na, metric_value = i.metric,
           justification = i.justification, needs_confirmation = false, updated_by = i.actor,
           updated_at = p_now, version = r.version + 1
      FROM ok i JOIN cur c ON c.idx = i.idx
     WHERE r.id = c.id AND r.version = i.expected AND c.evidence = i.evidence
       AND (c.needs_confirmation OR c.level IS DISTINCT FROM i.level OR c.not_applicable <> i.na
            OR c.metric_value IS DISTINCT FROM i.metric OR c.justification IS DISTINCT FROM i.justification)
    RETURNING i.idx, r.id, r.assessment_id, r.indicator_code, r.level, r.not_applicable,
              r.metric_value::text AS metric_value, r.justification, r.needs_confirmation, r.version,
              r.updated_by, r.created_at, r.updated_at,
              jsonb_build_object('indicatorCode', c.indicator_code, 'level', c.level,
                'notApplicable', c.not_applicable, 'metricValue', c.metric_value::text,
                'justification', c.justification, 'evidenceIds', c.evidence,
                'needsConfirmation', c.needs_confirmation, 'version', c.version) AS before
  ),
  ins AS (
    INSERT INTO responses AS r (assessment_id, indicator_code, level, not_applicable, metric_value,
                                justification, needs_confirmation, version, updated_by)
    SELECT i.assessment, i.code, i.level, i.na, i.metric, i.justification, false, 1, i.actor
      FROM ok i
     WHERE i.expected = 0 AND i.evidence = '[]'::jsonb
       AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.idx = i.idx)
    ON CONFLICT (assessment_id, indicator_code) DO NOTHING
    RETURNING r.id, r.assessment_id, r.indicator_code, r.level, r.not_applicable,
              r.metric_value::text AS metric_value, r.justification, r.needs_confirmation, r.version,
              r.updated_by, r.created_at, r.updated_at
  ),
  saved AS (
    SELECT u.idx, u.id, u.assessment_id, u.indicator_code, u.level, u.not_applicable, u.metric_value,
           u.justification, u.needs_confirmation, u.version, u.updated_by, u.created_at,
           u.updated_at, u.before
      FROM upd u
    UNION ALL
    SELECT i.idx, n.id, n.assessment_id, n.indicator_code, n.level, n.not_applicable, n.metric_value,
           n.justification, n.needs_confirmation, n.version, n.updated_by, n.created_at,
           n.updated_at, NULL::jsonb
      FROM ins n JOIN ok i ON i.assessment = n.assessment_id AND i.code = n.indicator_code
  ),
  aud AS (
    INSERT INTO audit_log (actor_id, actor_email, action, entity_type, entity_id, unit_id, unit_path,
                           before, after, request_id, ip)
    SELECT i.actor, i.actor_email, 'response.save', 'response', s.id::text, i.unit, i.unit_path,
           s.before,
           jsonb_build_object('assessmentId', i.assessment::text, 'indicatorCode', s.indicator_code,
             'level', s.level, 'notApplicable', s.not_applicable, 'metricValue', s.metric_value,
             'justification', s.justification, 'evidenceIds', i.evidence,
             'needsConfirmation', s.needs_confirmation, 'version', s.version),
           i.request_id, i.ip
      FROM saved s JOIN ok i ON i.idx = s.idx
     ORDER BY s.idx
  )
  SELECT s.idx, s.id, s.assessment_id, s.indicator_code, s.level, s.not_applicable, s.metric_value,
         s.justification, s.needs_confirmation, s.version, s.updated_by, s.created_at, s.updated_at,
         (SELECT u.name FROM users u WHERE u.id = s.updated_by)
    FROM saved s;
END;
$$;
