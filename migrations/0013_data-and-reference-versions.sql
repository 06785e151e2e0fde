-- The data version skips audit events that change no data (exports, sign-ins, tokens), through
-- a partial index of the others; exports keep the reference data they resolve requests against
-- while the reference version stays the same.
CREATE SEQUENCE "public"."reference_version_numbers" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "reference_version" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "reference_version_one_row" CHECK ("reference_version"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX "audit_events_data_changes" ON "audit_events" USING btree ("id") WHERE action not in ('export', 'signin', 'signin.failed', 'signin.throttled', 'signout', 'account.created', 'account.password_changed', 'account.password_reset', 'token.created', 'token.revoked');--> statement-breakpoint
-- Moves the reference version on with every statement that changes the reference data, once the
-- transaction commits (the row is written in it). Writers of reference data are rare (catalogue
-- and coverage pages, loading reference data), so their taking turns on the one row costs nothing.
CREATE FUNCTION reference_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reference_version (id, version) VALUES (1, nextval('reference_version_numbers'))
  ON CONFLICT (id) DO UPDATE SET version = excluded.version;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  reference_table text;
BEGIN
  FOREACH reference_table IN ARRAY ARRAY['org_units', 'org_unit_aliases', 'services', 'measures', 'service_measures', 'service_availability'] LOOP
    EXECUTE format(
      'CREATE TRIGGER reference_version_on_%1$s AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %1$I
         FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()',
      reference_table);
  END LOOP;
END
$$;
--> statement-breakpoint
INSERT INTO reference_version (id, version) VALUES (1, nextval('reference_version_numbers'));
