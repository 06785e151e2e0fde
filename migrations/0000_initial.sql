CREATE TYPE "public"."availability_status" AS ENUM('live', 'pilot', 'planned', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."service_delivery" AS ENUM('board', 'national');--> statement-breakpoint
CREATE TYPE "public"."org_unit_kind" AS ENUM('board', 'national');--> statement-breakpoint
CREATE TYPE "public"."return_action" AS ENUM('submitted', 'approved', 'reopened');--> statement-breakpoint
CREATE TYPE "public"."return_status" AS ENUM('draft', 'submitted', 'approved');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('national_lead', 'board_lead', 'analyst');--> statement-breakpoint
CREATE TABLE "measures" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"label" text NOT NULL,
	"unit" text NOT NULL,
	"description" text NOT NULL,
	"max_monthly_value" integer NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "measures_name_unique" UNIQUE("name"),
	CONSTRAINT "measures_cap_positive" CHECK ("measures"."max_monthly_value" > 0)
);
--> statement-breakpoint
CREATE TABLE "service_availability" (
	"id" serial PRIMARY KEY NOT NULL,
	"org_unit_id" integer NOT NULL,
	"service_id" integer NOT NULL,
	"status" "availability_status" NOT NULL,
	"live_from" date NOT NULL,
	"live_to" date,
	"note" text DEFAULT '' NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" integer,
	CONSTRAINT "service_availability_month_start" CHECK (extract(day from "service_availability"."live_from") = 1),
	CONSTRAINT "service_availability_period_order" CHECK ("service_availability"."live_to" is null or ("service_availability"."live_to" >= "service_availability"."live_from" and extract(day from "service_availability"."live_to") = 1))
);
--> statement-breakpoint
CREATE TABLE "service_measures" (
	"service_id" integer NOT NULL,
	"measure_id" integer NOT NULL,
	CONSTRAINT "service_measures_service_id_measure_id_pk" PRIMARY KEY("service_id","measure_id")
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"family" text NOT NULL,
	"delivery" "service_delivery" NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "services_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "treatments" (
	"id" serial PRIMARY KEY NOT NULL,
	"service_id" integer NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"retired_on" date,
	CONSTRAINT "treatments_service_name" UNIQUE("service_id","name")
);
--> statement-breakpoint
CREATE TABLE "org_unit_aliases" (
	"code" text PRIMARY KEY NOT NULL,
	"org_unit_id" integer NOT NULL,
	"note" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_unit_populations" (
	"org_unit_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"population" integer NOT NULL,
	"source" text NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_unit_populations_org_unit_id_year_source_pk" PRIMARY KEY("org_unit_id","year","source"),
	CONSTRAINT "org_unit_populations_population_positive" CHECK ("org_unit_populations"."population" > 0),
	CONSTRAINT "org_unit_populations_year_range" CHECK ("org_unit_populations"."year" between 1900 and 2200)
);
--> statement-breakpoint
CREATE TABLE "org_units" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" "org_unit_kind" NOT NULL,
	CONSTRAINT "org_units_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "return_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_unit_id" integer NOT NULL,
	"month" date NOT NULL,
	"action" "return_action" NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" integer,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "return_values" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_unit_id" integer NOT NULL,
	"service_id" integer NOT NULL,
	"month" date NOT NULL,
	"measure_id" integer NOT NULL,
	"value" integer,
	"comment" text,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"valid_to" timestamp with time zone,
	"changed_by" integer,
	"change_reason" text,
	CONSTRAINT "return_values_value_non_negative" CHECK ("return_values"."value" >= 0),
	CONSTRAINT "return_values_valid_period" CHECK ("return_values"."valid_to" is null or "return_values"."valid_to" >= "return_values"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "returns" (
	"org_unit_id" integer NOT NULL,
	"month" date NOT NULL,
	"status" "return_status" DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"first_submitted_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"submitted_by" integer,
	"first_approved_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"approved_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "returns_org_unit_id_month_pk" PRIMARY KEY("org_unit_id","month"),
	CONSTRAINT "returns_month_start" CHECK (extract(day from "returns"."month") = 1),
	CONSTRAINT "returns_version_positive" CHECK ("returns"."version" > 0),
	CONSTRAINT "returns_status_consistent" CHECK (("returns"."status" = 'draft' or "returns"."submitted_at" is not null)
        and ("returns"."status" <> 'approved' or "returns"."approved_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" integer,
	"user_email" text,
	"action" text NOT NULL,
	"outcome" text DEFAULT 'success' NOT NULL,
	"org_unit_id" integer,
	"subject" text,
	"details" jsonb,
	"ip" text
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "user_role" NOT NULL,
	"org_unit_id" integer,
	"password_hash" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_lower_case" CHECK ("users"."email" = lower("users"."email")),
	CONSTRAINT "users_board_lead_has_board" CHECK (("users"."role" = 'board_lead') = ("users"."org_unit_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "service_availability" ADD CONSTRAINT "service_availability_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_availability" ADD CONSTRAINT "service_availability_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_availability" ADD CONSTRAINT "service_availability_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_measures" ADD CONSTRAINT "service_measures_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_measures" ADD CONSTRAINT "service_measures_measure_id_measures_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "treatments" ADD CONSTRAINT "treatments_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_unit_aliases" ADD CONSTRAINT "org_unit_aliases_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_unit_populations" ADD CONSTRAINT "org_unit_populations_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_events" ADD CONSTRAINT "return_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_events" ADD CONSTRAINT "return_events_return_fk" FOREIGN KEY ("org_unit_id","month") REFERENCES "public"."returns"("org_unit_id","month") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_values" ADD CONSTRAINT "return_values_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_values" ADD CONSTRAINT "return_values_return_fk" FOREIGN KEY ("org_unit_id","month") REFERENCES "public"."returns"("org_unit_id","month") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_values" ADD CONSTRAINT "return_values_service_measure_fk" FOREIGN KEY ("service_id","measure_id") REFERENCES "public"."service_measures"("service_id","measure_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_values" ADD CONSTRAINT "return_values_service_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_values" ADD CONSTRAINT "return_values_measure_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "service_availability_unit_service" ON "service_availability" USING btree ("org_unit_id","service_id","live_from");--> statement-breakpoint
CREATE INDEX "return_events_return_at" ON "return_events" USING btree ("org_unit_id","month","at");--> statement-breakpoint
CREATE UNIQUE INDEX "return_values_one_current" ON "return_values" USING btree ("org_unit_id","service_id","month","measure_id") WHERE "return_values"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "return_values_history" ON "return_values" USING btree ("org_unit_id","month","service_id","measure_id","valid_from");--> statement-breakpoint
CREATE INDEX "return_values_current_month_measure" ON "return_values" USING btree ("month","measure_id") WHERE "return_values"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "api_tokens_user" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "audit_events_at" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_events_unit_at" ON "audit_events" USING btree ("org_unit_id","at");--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree ("email");