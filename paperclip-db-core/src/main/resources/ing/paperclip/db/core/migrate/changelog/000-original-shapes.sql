--liquibase formatted sql

-- The core tables as a fresh install creates them: the original Paperclip's shapes, read from a
-- database built by its own Drizzle migrations (0000 .. 0217, upstream of 2026-08-14), with the
-- same column order, names of indexes, constraints, the trigger and its function.
--
-- These changesets come BEFORE 001-core-schema.sql in the master changelog. Each runs only when
-- its table does not exist yet, so:
-- * on a fresh database they create the tables, and 001's changesets (whose preconditions look
--   for the same tables) are marked ran without running;
-- * on a database migrated by an earlier release (001 already applied) they are marked ran, and
--   002-align-with-original.sql brings the old shapes to these ones (except column order).
-- The agent-deletion trigger and its function are not here: 001 creates the old ones on every
-- database and 002-align-with-original.sql replaces them with the original's.
--
-- Columns that reference tables outside this set (environments, goals, heartbeat_runs,
-- project_workspaces, execution_workspaces, the auth "user" table, user_secret_definitions,
-- company_secret_provider_configs) are kept WITHOUT their foreign keys: those tables belong to
-- other parts of Paperclip. `db migrate --adopt` ignores such foreign keys when it compares.

--changeset paperclip:000-extensions
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

--changeset paperclip:000-companies
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('companies')
CREATE TABLE companies (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  name text NOT NULL,
  description text,
  status text DEFAULT 'active'::text NOT NULL,
  budget_monthly_cents integer DEFAULT 0 NOT NULL,
  spent_monthly_cents integer DEFAULT 0 NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  issue_prefix text DEFAULT 'PAP'::text NOT NULL,
  issue_counter integer DEFAULT 0 NOT NULL,
  require_board_approval_for_new_agents boolean DEFAULT false NOT NULL,
  brand_color text,
  pause_reason text,
  paused_at timestamp with time zone,
  feedback_data_sharing_enabled boolean DEFAULT false NOT NULL,
  feedback_data_sharing_consent_at timestamp with time zone,
  feedback_data_sharing_consent_by_user_id text,
  feedback_data_sharing_terms_version text,
  attachment_max_bytes integer DEFAULT 10485760 NOT NULL,
  default_responsible_user_id text,
  interaction_resolver_governance jsonb DEFAULT '{}'::jsonb NOT NULL
);
CREATE INDEX companies_default_responsible_user_idx ON companies USING btree (default_responsible_user_id);
CREATE UNIQUE INDEX companies_issue_prefix_idx ON companies USING btree (issue_prefix);

--changeset paperclip:000-agents
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('agents')
CREATE TABLE agents (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  name text NOT NULL,
  role text DEFAULT 'general'::text NOT NULL,
  title text,
  status text DEFAULT 'idle'::text NOT NULL,
  reports_to uuid,
  capabilities text,
  adapter_type text DEFAULT 'process'::text NOT NULL,
  adapter_config jsonb DEFAULT '{}'::jsonb NOT NULL,
  budget_monthly_cents integer DEFAULT 0 NOT NULL,
  spent_monthly_cents integer DEFAULT 0 NOT NULL,
  last_heartbeat_at timestamp with time zone,
  metadata jsonb,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  runtime_config jsonb DEFAULT '{}'::jsonb NOT NULL,
  permissions jsonb DEFAULT '{}'::jsonb NOT NULL,
  icon text,
  pause_reason text,
  paused_at timestamp with time zone,
  default_environment_id uuid,
  error_reason text,
  CONSTRAINT agents_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id),
  CONSTRAINT agents_reports_to_agents_id_fk FOREIGN KEY (reports_to) REFERENCES agents(id)
);
CREATE UNIQUE INDEX agents_company_built_in_agent_key_unique_idx ON agents USING btree (company_id, (((metadata -> 'paperclipBuiltInAgent'::text) ->> 'key'::text))) WHERE ((((metadata -> 'paperclipBuiltInAgent'::text) ->> 'key'::text) IS NOT NULL) AND (status <> 'terminated'::text));
CREATE INDEX agents_company_default_environment_idx ON agents USING btree (company_id, default_environment_id);
CREATE INDEX agents_company_reports_to_idx ON agents USING btree (company_id, reports_to);
CREATE INDEX agents_company_status_idx ON agents USING btree (company_id, status);

--changeset paperclip:000-projects
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('projects')
CREATE TABLE projects (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  goal_id uuid,
  name text NOT NULL,
  description text,
  status text DEFAULT 'backlog'::text NOT NULL,
  lead_agent_id uuid,
  target_date date,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  color text,
  archived_at timestamp with time zone,
  execution_workspace_policy jsonb,
  pause_reason text,
  paused_at timestamp with time zone,
  env jsonb,
  icon text,
  CONSTRAINT projects_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id),
  CONSTRAINT projects_lead_agent_id_agents_id_fk FOREIGN KEY (lead_agent_id) REFERENCES agents(id)
);
CREATE INDEX projects_company_idx ON projects USING btree (company_id);

--changeset paperclip:000-issues
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('issues')
CREATE TABLE issues (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  project_id uuid,
  goal_id uuid,
  parent_id uuid,
  title text NOT NULL,
  description text,
  status text DEFAULT 'backlog'::text NOT NULL,
  priority text DEFAULT 'medium'::text NOT NULL,
  assignee_agent_id uuid,
  created_by_agent_id uuid,
  created_by_user_id text,
  request_depth integer DEFAULT 0 NOT NULL,
  billing_code text,
  started_at timestamp with time zone,
  completed_at timestamp with time zone,
  cancelled_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  issue_number integer,
  identifier text,
  hidden_at timestamp with time zone,
  checkout_run_id uuid,
  execution_run_id uuid,
  execution_agent_name_key text,
  execution_locked_at timestamp with time zone,
  assignee_user_id text,
  assignee_adapter_overrides jsonb,
  execution_workspace_settings jsonb,
  project_workspace_id uuid,
  execution_workspace_id uuid,
  execution_workspace_preference text,
  origin_kind text DEFAULT 'manual'::text NOT NULL,
  origin_id text,
  origin_run_id text,
  execution_policy jsonb,
  execution_state jsonb,
  origin_fingerprint text DEFAULT 'default'::text NOT NULL,
  monitor_next_check_at timestamp with time zone,
  monitor_wake_requested_at timestamp with time zone,
  monitor_last_triggered_at timestamp with time zone,
  monitor_attempt_count integer DEFAULT 0 NOT NULL,
  monitor_notes text,
  monitor_scheduled_by text,
  work_mode text DEFAULT 'standard'::text NOT NULL,
  source_trust jsonb,
  responsible_user_id text,
  harness_kind text,
  unblock_descriptor jsonb,
  blocked_transition_at timestamp with time zone,
  blocked_owner_notified_at timestamp with time zone,
  review_policy text,
  CONSTRAINT issues_assignee_agent_id_agents_id_fk FOREIGN KEY (assignee_agent_id) REFERENCES agents(id),
  CONSTRAINT issues_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id),
  CONSTRAINT issues_created_by_agent_id_agents_id_fk FOREIGN KEY (created_by_agent_id) REFERENCES agents(id),
  CONSTRAINT issues_parent_id_issues_id_fk FOREIGN KEY (parent_id) REFERENCES issues(id),
  CONSTRAINT issues_project_id_projects_id_fk FOREIGN KEY (project_id) REFERENCES projects(id)
);
CREATE UNIQUE INDEX issues_active_liveness_recovery_incident_uq ON issues USING btree (company_id, origin_kind, origin_id) WHERE ((origin_kind = 'harness_liveness_escalation'::text) AND (origin_id IS NOT NULL) AND (hidden_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])));
CREATE UNIQUE INDEX issues_active_liveness_recovery_leaf_uq ON issues USING btree (company_id, origin_kind, origin_fingerprint) WHERE ((origin_kind = 'harness_liveness_escalation'::text) AND (origin_fingerprint <> 'default'::text) AND (hidden_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])));
CREATE UNIQUE INDEX issues_active_productivity_review_uq ON issues USING btree (company_id, origin_kind, origin_id) WHERE ((origin_kind = 'issue_productivity_review'::text) AND (origin_id IS NOT NULL) AND (hidden_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])));
CREATE UNIQUE INDEX issues_active_stale_run_evaluation_uq ON issues USING btree (company_id, origin_kind, origin_id) WHERE ((origin_kind = 'stale_active_run_evaluation'::text) AND (origin_id IS NOT NULL) AND (hidden_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])));
CREATE UNIQUE INDEX issues_active_stranded_issue_recovery_uq ON issues USING btree (company_id, origin_kind, origin_id) WHERE ((origin_kind = 'stranded_issue_recovery'::text) AND (origin_id IS NOT NULL) AND (hidden_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])));
CREATE UNIQUE INDEX issues_active_task_watchdog_uq ON issues USING btree (company_id, origin_kind, origin_id) WHERE ((origin_kind = 'task_watchdog'::text) AND (origin_id IS NOT NULL) AND (hidden_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])));
CREATE INDEX issues_company_assignee_status_idx ON issues USING btree (company_id, assignee_agent_id, status);
CREATE INDEX issues_company_assignee_user_status_idx ON issues USING btree (company_id, assignee_user_id, status);
CREATE INDEX issues_company_created_idx ON issues USING btree (company_id, created_at);
CREATE INDEX issues_company_execution_workspace_idx ON issues USING btree (company_id, execution_workspace_id);
CREATE INDEX issues_company_harness_kind_idx ON issues USING btree (company_id, harness_kind);
CREATE INDEX issues_company_monitor_due_idx ON issues USING btree (company_id, monitor_next_check_at);
CREATE INDEX issues_company_origin_idx ON issues USING btree (company_id, origin_kind, origin_id);
CREATE INDEX issues_company_parent_idx ON issues USING btree (company_id, parent_id);
CREATE INDEX issues_company_priority_idx ON issues USING btree (company_id, priority);
CREATE INDEX issues_company_project_idx ON issues USING btree (company_id, project_id);
CREATE INDEX issues_company_project_workspace_idx ON issues USING btree (company_id, project_workspace_id);
CREATE INDEX issues_company_responsible_user_idx ON issues USING btree (company_id, responsible_user_id);
CREATE INDEX issues_company_status_idx ON issues USING btree (company_id, status);
CREATE INDEX issues_company_updated_idx ON issues USING btree (company_id, updated_at);
CREATE INDEX issues_description_search_idx ON issues USING gin (description gin_trgm_ops);
CREATE UNIQUE INDEX issues_identifier_idx ON issues USING btree (identifier);
CREATE INDEX issues_identifier_search_idx ON issues USING gin (identifier gin_trgm_ops);
CREATE UNIQUE INDEX issues_onboarding_first_task_uq ON issues USING btree (company_id) WHERE (origin_kind = 'onboarding_first_task'::text);
CREATE INDEX issues_open_normalized_title_created_idx ON issues USING btree (company_id, parent_id, lower(regexp_replace(btrim(title), '\s+'::text, ' '::text, 'g'::text)), created_at) WHERE ((hidden_at IS NULL) AND (status <> ALL (ARRAY['done'::text, 'cancelled'::text])));
CREATE UNIQUE INDEX issues_open_routine_execution_uq ON issues USING btree (company_id, origin_kind, origin_id, origin_fingerprint) WHERE ((origin_kind = 'routine_execution'::text) AND (origin_id IS NOT NULL) AND (hidden_at IS NULL) AND (execution_run_id IS NOT NULL) AND (status = ANY (ARRAY['backlog'::text, 'todo'::text, 'in_progress'::text, 'in_review'::text, 'blocked'::text])));
CREATE INDEX issues_title_search_idx ON issues USING gin (title gin_trgm_ops);

--changeset paperclip:000-issue-comments
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('issue_comments')
CREATE TABLE issue_comments (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  issue_id uuid NOT NULL,
  author_agent_id uuid,
  author_user_id text,
  body text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  created_by_run_id uuid,
  author_type text,
  presentation jsonb,
  metadata jsonb,
  deleted_at timestamp with time zone,
  deleted_by_type text,
  deleted_by_agent_id uuid,
  deleted_by_user_id text,
  deleted_by_run_id uuid,
  source_trust jsonb,
  derived_author_agent_id uuid,
  derived_created_by_run_id uuid,
  derived_author_source text,
  on_behalf_of_user_id text,
  CONSTRAINT issue_comments_author_agent_id_agents_id_fk FOREIGN KEY (author_agent_id) REFERENCES agents(id),
  CONSTRAINT issue_comments_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id),
  CONSTRAINT issue_comments_deleted_by_agent_id_agents_id_fk FOREIGN KEY (deleted_by_agent_id) REFERENCES agents(id) ON DELETE SET NULL,
  CONSTRAINT issue_comments_derived_author_agent_id_agents_id_fk FOREIGN KEY (derived_author_agent_id) REFERENCES agents(id) ON DELETE SET NULL,
  CONSTRAINT issue_comments_issue_id_issues_id_fk FOREIGN KEY (issue_id) REFERENCES issues(id) ON DELETE CASCADE
);
CREATE INDEX issue_comments_body_search_idx ON issue_comments USING gin (body gin_trgm_ops);
CREATE INDEX issue_comments_company_author_issue_created_at_idx ON issue_comments USING btree (company_id, author_user_id, issue_id, created_at);
CREATE INDEX issue_comments_company_idx ON issue_comments USING btree (company_id);
CREATE INDEX issue_comments_company_issue_created_at_idx ON issue_comments USING btree (company_id, issue_id, created_at);
CREATE INDEX issue_comments_issue_idx ON issue_comments USING btree (issue_id);

--changeset paperclip:000-documents
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('documents')
CREATE TABLE documents (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  title text,
  format text DEFAULT 'markdown'::text NOT NULL,
  latest_body text NOT NULL,
  latest_revision_id uuid,
  latest_revision_number integer DEFAULT 1 NOT NULL,
  created_by_agent_id uuid,
  created_by_user_id text,
  updated_by_agent_id uuid,
  updated_by_user_id text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  locked_at timestamp with time zone,
  locked_by_agent_id uuid,
  locked_by_user_id text,
  source_trust jsonb,
  CONSTRAINT documents_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id) ON DELETE CASCADE,
  CONSTRAINT documents_created_by_agent_id_agents_id_fk FOREIGN KEY (created_by_agent_id) REFERENCES agents(id) ON DELETE SET NULL,
  CONSTRAINT documents_locked_by_agent_id_agents_id_fk FOREIGN KEY (locked_by_agent_id) REFERENCES agents(id) ON DELETE SET NULL,
  CONSTRAINT documents_updated_by_agent_id_agents_id_fk FOREIGN KEY (updated_by_agent_id) REFERENCES agents(id) ON DELETE SET NULL
);
CREATE INDEX documents_company_created_idx ON documents USING btree (company_id, created_at);
CREATE INDEX documents_company_updated_idx ON documents USING btree (company_id, updated_at);
CREATE INDEX documents_latest_body_search_idx ON documents USING gin (latest_body gin_trgm_ops);
CREATE INDEX documents_title_search_idx ON documents USING gin (title gin_trgm_ops);
CREATE TABLE document_revisions (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  document_id uuid NOT NULL,
  revision_number integer NOT NULL,
  body text NOT NULL,
  change_summary text,
  created_by_agent_id uuid,
  created_by_user_id text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  title text,
  format text DEFAULT 'markdown'::text NOT NULL,
  created_by_run_id uuid,
  CONSTRAINT document_revisions_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id) ON DELETE CASCADE,
  CONSTRAINT document_revisions_created_by_agent_id_agents_id_fk FOREIGN KEY (created_by_agent_id) REFERENCES agents(id) ON DELETE SET NULL,
  CONSTRAINT document_revisions_document_id_documents_id_fk FOREIGN KEY (document_id) REFERENCES documents(id) ON DELETE CASCADE
);
CREATE INDEX document_revisions_company_document_created_idx ON document_revisions USING btree (company_id, document_id, created_at);
CREATE UNIQUE INDEX document_revisions_document_revision_uq ON document_revisions USING btree (document_id, revision_number);
CREATE TABLE issue_documents (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  issue_id uuid NOT NULL,
  document_id uuid NOT NULL,
  key text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT issue_documents_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id),
  CONSTRAINT issue_documents_document_id_documents_id_fk FOREIGN KEY (document_id) REFERENCES documents(id) ON DELETE CASCADE,
  CONSTRAINT issue_documents_issue_id_issues_id_fk FOREIGN KEY (issue_id) REFERENCES issues(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX issue_documents_company_issue_key_uq ON issue_documents USING btree (company_id, issue_id, key);
CREATE INDEX issue_documents_company_issue_updated_idx ON issue_documents USING btree (company_id, issue_id, updated_at);
CREATE UNIQUE INDEX issue_documents_document_uq ON issue_documents USING btree (document_id);

--changeset paperclip:000-issue-reference-mentions
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('issue_reference_mentions')
CREATE TABLE issue_reference_mentions (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  source_issue_id uuid NOT NULL,
  target_issue_id uuid NOT NULL,
  source_kind text NOT NULL,
  source_record_id uuid,
  document_key text,
  matched_text text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT issue_reference_mentions_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id),
  CONSTRAINT issue_reference_mentions_source_issue_id_issues_id_fk FOREIGN KEY (source_issue_id) REFERENCES issues(id) ON DELETE CASCADE,
  CONSTRAINT issue_reference_mentions_target_issue_id_issues_id_fk FOREIGN KEY (target_issue_id) REFERENCES issues(id) ON DELETE CASCADE
);
CREATE INDEX issue_reference_mentions_company_issue_pair_idx ON issue_reference_mentions USING btree (company_id, source_issue_id, target_issue_id);
CREATE INDEX issue_reference_mentions_company_source_issue_idx ON issue_reference_mentions USING btree (company_id, source_issue_id);
CREATE UNIQUE INDEX issue_reference_mentions_company_source_mention_null_record_uq ON issue_reference_mentions USING btree (company_id, source_issue_id, target_issue_id, source_kind) WHERE (source_record_id IS NULL);
CREATE UNIQUE INDEX issue_reference_mentions_company_source_mention_record_uq ON issue_reference_mentions USING btree (company_id, source_issue_id, target_issue_id, source_kind, source_record_id) WHERE (source_record_id IS NOT NULL);
CREATE INDEX issue_reference_mentions_company_target_issue_idx ON issue_reference_mentions USING btree (company_id, target_issue_id);

--changeset paperclip:000-plugins
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('plugins')
CREATE TABLE plugins (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  plugin_key text NOT NULL,
  package_name text NOT NULL,
  package_path text,
  version text NOT NULL,
  api_version integer DEFAULT 1 NOT NULL,
  categories jsonb DEFAULT '[]'::jsonb NOT NULL,
  manifest_json jsonb NOT NULL,
  status text DEFAULT 'installed'::text NOT NULL,
  install_order integer,
  last_error text,
  installed_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE UNIQUE INDEX plugins_plugin_key_idx ON plugins USING btree (plugin_key);
CREATE INDEX plugins_status_idx ON plugins USING btree (status);
CREATE TABLE plugin_database_namespaces (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  plugin_id uuid NOT NULL,
  plugin_key text NOT NULL,
  namespace_name text NOT NULL,
  namespace_mode text DEFAULT 'schema'::text NOT NULL,
  status text DEFAULT 'active'::text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT plugin_database_namespaces_plugin_id_plugins_id_fk FOREIGN KEY (plugin_id) REFERENCES plugins(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX plugin_database_namespaces_namespace_idx ON plugin_database_namespaces USING btree (namespace_name);
CREATE UNIQUE INDEX plugin_database_namespaces_plugin_idx ON plugin_database_namespaces USING btree (plugin_id);
CREATE INDEX plugin_database_namespaces_status_idx ON plugin_database_namespaces USING btree (status);
CREATE TABLE plugin_migrations (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  plugin_id uuid NOT NULL,
  plugin_key text NOT NULL,
  namespace_name text NOT NULL,
  migration_key text NOT NULL,
  checksum text NOT NULL,
  plugin_version text NOT NULL,
  status text NOT NULL,
  started_at timestamp with time zone DEFAULT now() NOT NULL,
  applied_at timestamp with time zone,
  error_message text,
  CONSTRAINT plugin_migrations_plugin_id_plugins_id_fk FOREIGN KEY (plugin_id) REFERENCES plugins(id) ON DELETE CASCADE
);
CREATE INDEX plugin_migrations_plugin_idx ON plugin_migrations USING btree (plugin_id);
CREATE UNIQUE INDEX plugin_migrations_plugin_key_idx ON plugin_migrations USING btree (plugin_id, migration_key);
CREATE INDEX plugin_migrations_status_idx ON plugin_migrations USING btree (status);

--changeset paperclip:000-company-secrets
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('company_secrets')
CREATE TABLE company_secrets (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  name text NOT NULL,
  provider text DEFAULT 'local_encrypted'::text NOT NULL,
  external_ref text,
  latest_version integer DEFAULT 1 NOT NULL,
  description text,
  created_by_agent_id uuid,
  created_by_user_id text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  key text NOT NULL,
  status text DEFAULT 'active'::text NOT NULL,
  managed_mode text DEFAULT 'paperclip_managed'::text NOT NULL,
  provider_config_id uuid,
  provider_metadata jsonb,
  last_resolved_at timestamp with time zone,
  last_rotated_at timestamp with time zone,
  deleted_at timestamp with time zone,
  scope text DEFAULT 'company'::text NOT NULL,
  owner_user_id text,
  user_secret_definition_id uuid,
  CONSTRAINT company_secrets_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id),
  CONSTRAINT company_secrets_created_by_agent_id_agents_id_fk FOREIGN KEY (created_by_agent_id) REFERENCES agents(id) ON DELETE SET NULL,
  CONSTRAINT company_secrets_scope_shape_check CHECK ((((scope = 'company'::text) AND (owner_user_id IS NULL) AND (user_secret_definition_id IS NULL)) OR ((scope = 'user'::text) AND (owner_user_id IS NOT NULL) AND (user_secret_definition_id IS NOT NULL))))
);
CREATE INDEX company_secrets_company_idx ON company_secrets USING btree (company_id);
CREATE UNIQUE INDEX company_secrets_company_key_uq ON company_secrets USING btree (company_id, key) WHERE ((scope = 'company'::text) AND (deleted_at IS NULL));
CREATE UNIQUE INDEX company_secrets_company_name_uq ON company_secrets USING btree (company_id, name) WHERE ((scope = 'company'::text) AND (deleted_at IS NULL));
CREATE INDEX company_secrets_company_owner_idx ON company_secrets USING btree (company_id, owner_user_id);
CREATE INDEX company_secrets_company_provider_idx ON company_secrets USING btree (company_id, provider);
CREATE INDEX company_secrets_company_scope_idx ON company_secrets USING btree (company_id, scope);
CREATE INDEX company_secrets_provider_config_idx ON company_secrets USING btree (provider_config_id);
CREATE INDEX company_secrets_user_definition_owner_idx ON company_secrets USING btree (company_id, user_secret_definition_id, owner_user_id);
CREATE UNIQUE INDEX company_secrets_user_definition_owner_uq ON company_secrets USING btree (company_id, user_secret_definition_id, owner_user_id) WHERE ((scope = 'user'::text) AND (deleted_at IS NULL));
CREATE TABLE company_secret_versions (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  secret_id uuid NOT NULL,
  version integer NOT NULL,
  material jsonb NOT NULL,
  value_sha256 text NOT NULL,
  created_by_agent_id uuid,
  created_by_user_id text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  revoked_at timestamp with time zone,
  provider_version_ref text,
  status text DEFAULT 'current'::text NOT NULL,
  fingerprint_sha256 text NOT NULL,
  rotation_job_id text,
  CONSTRAINT company_secret_versions_created_by_agent_id_agents_id_fk FOREIGN KEY (created_by_agent_id) REFERENCES agents(id) ON DELETE SET NULL,
  CONSTRAINT company_secret_versions_secret_id_company_secrets_id_fk FOREIGN KEY (secret_id) REFERENCES company_secrets(id) ON DELETE CASCADE
);
CREATE INDEX company_secret_versions_fingerprint_idx ON company_secret_versions USING btree (fingerprint_sha256);
CREATE INDEX company_secret_versions_secret_idx ON company_secret_versions USING btree (secret_id, created_at);
CREATE UNIQUE INDEX company_secret_versions_secret_version_uq ON company_secret_versions USING btree (secret_id, version);
CREATE INDEX company_secret_versions_value_sha256_idx ON company_secret_versions USING btree (value_sha256);

--changeset paperclip:000-instance-settings
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('instance_settings')
CREATE TABLE instance_settings (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  singleton_key text DEFAULT 'default'::text NOT NULL,
  experimental jsonb DEFAULT '{}'::jsonb NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  general jsonb DEFAULT '{}'::jsonb NOT NULL,
  default_environment_id uuid
);
CREATE UNIQUE INDEX instance_settings_singleton_key_idx ON instance_settings USING btree (singleton_key);

--changeset paperclip:000-user-inbox-agent-policies
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('user_inbox_agent_policies')
CREATE TABLE user_inbox_agent_policies (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  company_id uuid NOT NULL,
  user_id text NOT NULL,
  mode text DEFAULT 'open'::text NOT NULL,
  allowed_agent_ids jsonb DEFAULT '[]'::jsonb NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT user_inbox_agent_policies_company_id_companies_id_fk FOREIGN KEY (company_id) REFERENCES companies(id) ON DELETE CASCADE,
  CONSTRAINT user_inbox_agent_policies_mode_check CHECK ((mode = ANY (ARRAY['open'::text, 'allowlist'::text, 'disabled'::text])))
);
CREATE INDEX user_inbox_agent_policies_allowed_agent_ids_idx ON user_inbox_agent_policies USING gin (allowed_agent_ids);
CREATE UNIQUE INDEX user_inbox_agent_policies_company_user_uq ON user_inbox_agent_policies USING btree (company_id, user_id);
