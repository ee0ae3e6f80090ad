-- The two statements every busy minute runs most: resolving a session cookie to its actor and
-- saving one self-assessed answer. As PL/pgSQL functions their plans are cached per connection,
-- which matters on the embedded PGlite (no named prepared statements through its API): measured
-- there, planning was about half of each statement's cost. Callers: src/modules/auth/auth.repo.ts
-- and src/modules/assessments/assessments.repo.ts (saveResponseFast explains the save's rules).

CREATE OR REPLACE FUNCTION mercusuar_session_actor(p_token_hash text, p_now timestamptz)
RETURNS TABLE (id uuid, token_hash text, user_id uuid, csrf_token text, expires_at timestamptz,
               email text, active boolean, assignments json)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT s.id, s.token_hash, s.user_id, s.csrf_token, s.expires_at, u.email, u.active,
         (SELECT json_agg(json_build_object('role', ra.role, 'unitId', ra.unit_id, 'unitPath', un.path))
            FROM role_assignments ra JOIN units un ON un.id = ra.unit_id
           WHERE ra.user_id = u.id)
    FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.token_hash = p_token_hash AND s.expires_at > p_now
   LIMIT 1;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION mercusuar_save_response(
  p_assessment uuid, p_code text, p_assessment_version int, p_extension timestamptz,
  p_expected int, p_level int, p_na boolean, p_metric numeric, p_justification text,
  p_evidence jsonb, p_actor uuid, p_actor_email text, p_unit uuid, p_unit_path text,
  p_request_id text, p_ip text, p_now timestamptz)
RETURNS TABLE (id uuid, assessment_id uuid, indicator_code text, level int, not_applicable boolean,
               metric_value text, justification text, needs_confirmation boolean, version int,
               updated_by uuid, created_at timestamptz, updated_at timestamptz, updated_by_name text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH a AS (
    SELECT x.id FROM assessments x
     WHERE x.id = p_assessment AND x.version = p_assessment_version
       AND x.deadline_extension IS NOT DISTINCT FROM p_extension
     FOR SHARE
  ),
  cur AS (
    SELECT r.id, r.indicator_code, r.level, r.not_applicable, r.metric_value, r.justification,
           r.needs_confirmation, r.version,
           coalesce((SELECT jsonb_agg(re.evidence_id ORDER BY re.evidence_id)
                       FROM response_evidence re WHERE re.response_id = r.id), '[]'::jsonb) AS evidence
      FROM responses r
     WHERE r.assessment_id = p_assessment AND r.indicator_code = p_code
  ),
  upd AS (
    UPDATE responses r
       SET level = p_level, not_applicable = p_na, metric_value = p_metric,
           justification = p_justification, needs_confirmation = false, updated_by = p_actor,
           updated_at = p_now, version = r.version + 1
      FROM cur c
     WHERE r.id = c.id AND r.version = p_expected AND EXISTS (SELECT 1 FROM a)
       AND c.evidence = p_evidence
       AND (c.needs_confirmation OR c.level IS DISTINCT FROM p_level OR c.not_applicable <> p_na
            OR c.metric_value IS DISTINCT FROM p_metric OR c.justification IS DISTINCT FROM p_justification)
    RETURNING r.id, r.assessment_id, r.indicator_code, r.level, r.not_applicable,
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
    SELECT p_assessment, p_code, p_level, p_na, p_metric, p_justification, false, 1, p_actor
     WHERE p_expected = 0 AND p_evidence = '[]'::jsonb
       AND EXISTS (SELECT 1 FROM a) AND NOT EXISTS (SELECT 1 FROM cur)
    ON CONFLICT (assessment_id, indicator_code) DO NOTHING
    RETURNING r.id, r.assessment_id, r.indicator_code, r.level, r.not_applicable,
              r.metric_value::text AS metric_value, r.justification, r.needs_confirmation, r.version,
              r.updated_by, r.created_at, r.updated_at, NULL::jsonb AS before
  ),
  saved AS (SELECT * FROM upd UNION ALL SELECT * FROM ins),
  aud AS (
    INSERT INTO audit_log (actor_id, actor_email, action, entity_type, entity_id, unit_id, unit_path,
                           before, after, request_id, ip)
    SELECT p_actor, p_actor_email, 'response.save', 'response', s.id::text, p_unit, p_unit_path, s.before,
           jsonb_build_object('assessmentId', p_assessment::text, 'indicatorCode', s.indicator_code,
             'level', s.level, 'notApplicable', s.not_applicable, 'metricValue', s.metric_value,
             'justification', s.justification, 'evidenceIds', p_evidence,
             'needsConfirmation', s.needs_confirmation, 'version', s.version),
           p_request_id, p_ip
      FROM saved s
  )
  SELECT s.id, s.assessment_id, s.indicator_code, s.level, s.not_applicable, s.metric_value,
         s.justification, s.needs_confirmation, s.version, s.updated_by, s.created_at, s.updated_at,
         (SELECT u.name FROM users u WHERE u.id = p_actor)
    FROM saved s;
END;
$$;
