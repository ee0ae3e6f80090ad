-- Score snapshots are frozen: only marking one superseded (once, with the reopen reason) is allowed.
CREATE OR REPLACE FUNCTION mercusuar_snapshot_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.superseded_at IS NULL
     AND NEW.superseded_at IS NOT NULL
     AND NEW.id = OLD.id
     AND NEW.assessment_id = OLD.assessment_id
     AND NEW.instrument_version_id = OLD.instrument_version_id
     AND NEW.inputs = OLD.inputs
     AND NEW.result = OLD.result
     AND NEW.inputs_hash = OLD.inputs_hash
     AND NEW.index_value IS NOT DISTINCT FROM OLD.index_value
     AND NEW.predicate IS NOT DISTINCT FROM OLD.predicate
     AND NEW.self_index_value IS NOT DISTINCT FROM OLD.self_index_value
     AND NEW.self_predicate IS NOT DISTINCT FROM OLD.self_predicate
     AND NEW.self_result IS NOT DISTINCT FROM OLD.self_result
     AND NEW.created_by IS NOT DISTINCT FROM OLD.created_by
     AND NEW.created_at = OLD.created_at THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'score snapshot % is frozen: % is not allowed', OLD.id, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER score_snapshots_frozen BEFORE UPDATE OR DELETE ON score_snapshots
  FOR EACH ROW EXECUTE FUNCTION mercusuar_snapshot_guard();
--> statement-breakpoint
CREATE TRIGGER score_snapshots_no_truncate BEFORE TRUNCATE ON score_snapshots
  FOR EACH STATEMENT EXECUTE FUNCTION mercusuar_reject_change();
--> statement-breakpoint
-- A published (or retired) instrument version keeps its identity and content forever.
CREATE OR REPLACE FUNCTION mercusuar_instrument_version_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'draft' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE'
     AND NEW.code = OLD.code
     AND NEW.version = OLD.version
     AND NEW.content = OLD.content
     AND NEW.content_hash = OLD.content_hash
     AND NEW.status <> 'draft' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'instrument version %@% is %: its content cannot change (%)', OLD.code, OLD.version, OLD.status, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER instrument_versions_immutable BEFORE UPDATE OR DELETE ON instrument_versions
  FOR EACH ROW EXECUTE FUNCTION mercusuar_instrument_version_guard();
