-- Append-only tables: the database itself refuses to rewrite history.
CREATE OR REPLACE FUNCTION mercusuar_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION mercusuar_reject_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION mercusuar_reject_change();
--> statement-breakpoint
CREATE TRIGGER comments_append_only BEFORE UPDATE OR DELETE ON comments
  FOR EACH ROW EXECUTE FUNCTION mercusuar_reject_change();
--> statement-breakpoint
CREATE TRIGGER comments_no_truncate BEFORE TRUNCATE ON comments
  FOR EACH STATEMENT EXECUTE FUNCTION mercusuar_reject_change();
