--liquibase formatted sql

-- Brings a database made by 001-core-schema.sql (releases before the original's shapes were
-- adopted) to the original Paperclip's shapes, the ones 000-original-shapes.sql gives a fresh
-- install. Every changeset is a no-op on a database that already has those shapes (IF EXISTS /
-- IF NOT EXISTS, or a precondition), so it runs harmlessly on fresh installs.
--
-- Not done: column order. PostgreSQL cannot move a column without rewriting its table, so
-- databases made by 001 keep their column order (and user_inbox_agent_policies.mode comes
-- last); only fresh installs get the original's order.

--changeset paperclip:002-align-index-names
ALTER INDEX IF EXISTS issues_company_created_at_idx RENAME TO issues_company_created_idx;
ALTER INDEX IF EXISTS issues_company_updated_at_idx RENAME TO issues_company_updated_idx;
ALTER INDEX IF EXISTS issues_company_monitor_next_check_idx RENAME TO issues_company_monitor_due_idx;
ALTER INDEX IF EXISTS issues_open_harness_liveness_escalation_uq RENAME TO issues_active_liveness_recovery_incident_uq;
ALTER INDEX IF EXISTS issues_open_issue_productivity_review_uq RENAME TO issues_active_productivity_review_uq;
ALTER INDEX IF EXISTS issues_open_stale_active_run_evaluation_uq RENAME TO issues_active_stale_run_evaluation_uq;
ALTER INDEX IF EXISTS issues_open_stranded_issue_recovery_uq RENAME TO issues_active_stranded_issue_recovery_uq;
ALTER INDEX IF EXISTS issues_open_task_watchdog_uq RENAME TO issues_active_task_watchdog_uq;
ALTER INDEX IF EXISTS company_secrets_company_definition_owner_idx RENAME TO company_secrets_user_definition_owner_idx;
ALTER INDEX IF EXISTS company_secret_versions_fingerprint_sha256_idx RENAME TO company_secret_versions_fingerprint_idx;
ALTER INDEX IF EXISTS company_secret_versions_secret_created_idx RENAME TO company_secret_versions_secret_idx;

--changeset paperclip:002-align-missing-indexes
-- The unique ones fail on a database holding duplicates the original forbids (two live
-- built-in agents with one key, two onboarding tasks in a company): fix the rows, migrate again.
CREATE INDEX IF NOT EXISTS companies_default_responsible_user_idx ON companies USING btree (default_responsible_user_id);
CREATE UNIQUE INDEX IF NOT EXISTS agents_company_built_in_agent_key_unique_idx ON agents USING btree (company_id, (((metadata -> 'paperclipBuiltInAgent'::text) ->> 'key'::text))) WHERE ((((metadata -> 'paperclipBuiltInAgent'::text) ->> 'key'::text) IS NOT NULL) AND (status <> 'terminated'::text));
CREATE UNIQUE INDEX IF NOT EXISTS issues_active_liveness_recovery_leaf_uq ON issues USING btree (company_id, origin_kind, origin_fingerprint) WHERE ((origin_kind = 'harness_liveness_escalation'::text) AND (origin_fingerprint <> 'default'::text) AND (hidden_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])));
CREATE UNIQUE INDEX IF NOT EXISTS issues_onboarding_first_task_uq ON issues USING btree (company_id) WHERE (origin_kind = 'onboarding_first_task'::text);
CREATE INDEX IF NOT EXISTS user_inbox_agent_policies_allowed_agent_ids_idx ON user_inbox_agent_policies USING gin (allowed_agent_ids);

--changeset paperclip:002-align-issue-comments-cascade
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:1 SELECT count(*) FROM pg_catalog.pg_constraint WHERE conrelid = 'public.issue_comments'::regclass AND conname = 'issue_comments_issue_id_issues_id_fk' AND confdeltype <> 'c'
ALTER TABLE issue_comments
  DROP CONSTRAINT issue_comments_issue_id_issues_id_fk,
  ADD CONSTRAINT issue_comments_issue_id_issues_id_fk FOREIGN KEY (issue_id) REFERENCES issues(id) ON DELETE CASCADE;

--changeset paperclip:002-align-inbox-policy-mode
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = 'public.user_inbox_agent_policies'::regclass AND attname = 'mode' AND NOT attisdropped
ALTER TABLE user_inbox_agent_policies ADD COLUMN mode text DEFAULT 'open'::text NOT NULL;
ALTER TABLE user_inbox_agent_policies ADD CONSTRAINT user_inbox_agent_policies_mode_check CHECK ((mode = ANY (ARRAY['open'::text, 'allowlist'::text, 'disabled'::text])));

--changeset paperclip:002-align-agent-delete-function splitStatements:false
-- The original's function, body byte for byte (tabs included: adoption compares definitions
-- exactly). Unlike 001's, it takes the deleted agent out of every policy, not only its company's.
CREATE OR REPLACE FUNCTION public.remove_deleted_agent_from_inbox_policy_allowlists() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	UPDATE "user_inbox_agent_policies"
	SET
		"allowed_agent_ids" = "allowed_agent_ids" - OLD."id"::text,
		"updated_at" = now()
	WHERE "allowed_agent_ids" ? OLD."id"::text;
	RETURN OLD;
END;
$$;

--changeset paperclip:002-align-agent-delete-trigger
DROP TRIGGER IF EXISTS agents_remove_from_inbox_policies ON agents;
DROP FUNCTION IF EXISTS public.remove_deleted_agent_from_inbox_policies();
CREATE OR REPLACE TRIGGER agents_cleanup_inbox_policy_allowlists AFTER DELETE ON public.agents FOR EACH ROW EXECUTE FUNCTION public.remove_deleted_agent_from_inbox_policy_allowlists();
