CREATE TYPE "public"."query_message_kind" AS ENUM('question', 'answer', 'closing', 'reopening');--> statement-breakpoint
CREATE TYPE "public"."query_status" AS ENUM('open', 'answered', 'closed');--> statement-breakpoint
CREATE TYPE "public"."reminder_kind" AS ENUM('before_deadline', 'after_deadline', 'national_digest');--> statement-breakpoint
CREATE TYPE "public"."token_scope" AS ENUM('read', 'submit');--> statement-breakpoint
CREATE TABLE "data_queries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_unit_id" integer NOT NULL,
	"month" date NOT NULL,
	"service_id" integer,
	"measure_id" integer,
	"status" "query_status" DEFAULT 'open' NOT NULL,
	"raised_by" integer NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" integer,
	"closed_at" timestamp with time zone,
	CONSTRAINT "data_queries_figure_or_return" CHECK (("data_queries"."service_id" is null) = ("data_queries"."measure_id" is null)),
	CONSTRAINT "data_queries_closed" CHECK (("data_queries"."status" = 'closed') = ("data_queries"."closed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "query_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"query_id" bigint NOT NULL,
	"kind" "query_message_kind" NOT NULL,
	"body" text NOT NULL,
	"author_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"correction_id" bigint,
	CONSTRAINT "query_messages_body_length" CHECK (char_length("query_messages"."body") between 1 and 2000)
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" "reminder_kind" NOT NULL,
	"month" date NOT NULL,
	"org_unit_id" integer,
	"user_id" integer NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "reminders_board" CHECK (("reminders"."kind" = 'national_digest') = ("reminders"."org_unit_id" is null))
);
--> statement-breakpoint
CREATE TABLE "submission_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token_id" integer NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_sha256" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "scope" "token_scope" DEFAULT 'read' NOT NULL;--> statement-breakpoint
ALTER TABLE "data_queries" ADD CONSTRAINT "data_queries_raised_by_users_id_fk" FOREIGN KEY ("raised_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_queries" ADD CONSTRAINT "data_queries_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_queries" ADD CONSTRAINT "data_queries_return_fk" FOREIGN KEY ("org_unit_id","month") REFERENCES "public"."returns"("org_unit_id","month") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_queries" ADD CONSTRAINT "data_queries_service_measure_fk" FOREIGN KEY ("service_id","measure_id") REFERENCES "public"."service_measures"("service_id","measure_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "query_messages" ADD CONSTRAINT "query_messages_query_id_data_queries_id_fk" FOREIGN KEY ("query_id") REFERENCES "public"."data_queries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "query_messages" ADD CONSTRAINT "query_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "query_messages" ADD CONSTRAINT "query_messages_correction_id_return_values_id_fk" FOREIGN KEY ("correction_id") REFERENCES "public"."return_values"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submission_requests" ADD CONSTRAINT "submission_requests_token_id_api_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."api_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_queries_return" ON "data_queries" USING btree ("org_unit_id","month");--> statement-breakpoint
CREATE INDEX "data_queries_status" ON "data_queries" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "query_messages_query" ON "query_messages" USING btree ("query_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_once" ON "reminders" USING btree ("kind","month","user_id");--> statement-breakpoint
CREATE INDEX "reminders_created" ON "reminders" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "submission_requests_key" ON "submission_requests" USING btree ("token_id","idempotency_key");--> statement-breakpoint
-- A query's conversation is append-only, like the figures it is about.
CREATE FUNCTION query_messages_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'query_messages is append-only: message % cannot be changed or deleted', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER query_messages_append_only
  BEFORE UPDATE OR DELETE ON query_messages
  FOR EACH ROW EXECUTE FUNCTION query_messages_append_only();
