-- Retention (issue 15): an application's personal data is erased when its bundle's retention
-- after the end has passed. Its data key is destroyed (application_keys), its personal cells
-- cleared, and `erased_at` set; the non-personal record (bundle, dates, statuses, departments)
-- stays for statistics.
ALTER TABLE applications ADD COLUMN erased_at timestamptz;
-- Ended applications not yet erased, by when they ended (`updated_at` stops at the final status).
CREATE INDEX applications_retention_due ON applications (bundle_id, updated_at)
  WHERE erased_at IS NULL AND status IN ('completed', 'partially_completed', 'rejected', 'withdrawn', 'failed');

-- The access log and the audit log are append-only: nothing updates a row, and rows go only by
-- their own retention, through the retention job, which sets `onething.retention_purge` for its
-- own transaction (SET LOCAL). Anything else is refused, as before for the audit log.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('onething.retention_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER access_log_no_update_delete BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
