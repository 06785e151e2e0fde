CREATE TYPE "public"."cost_kind" AS ENUM('contract', 'licence', 'staff', 'other');--> statement-breakpoint
CREATE TABLE "costs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"financial_year" text NOT NULL,
	"org_unit_id" integer NOT NULL,
	"service_id" integer NOT NULL,
	"kind" "cost_kind" NOT NULL,
	"amount" integer,
	"comment" text,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"valid_to" timestamp with time zone,
	"changed_by" integer,
	"change_reason" text,
	CONSTRAINT "costs_financial_year_form" CHECK ("costs"."financial_year" ~ '^[0-9]{4}/[0-9]{2}$'),
	CONSTRAINT "costs_amount_non_negative" CHECK ("costs"."amount" >= 0),
	CONSTRAINT "costs_valid_period" CHECK ("costs"."valid_to" is null or "costs"."valid_to" >= "costs"."valid_from")
);
--> statement-breakpoint
ALTER TABLE "costs" ADD CONSTRAINT "costs_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "costs" ADD CONSTRAINT "costs_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "costs" ADD CONSTRAINT "costs_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "costs_one_current" ON "costs" USING btree ("financial_year","org_unit_id","service_id","kind") WHERE "costs"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "costs_current_year" ON "costs" USING btree ("financial_year") WHERE "costs"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "costs_history" ON "costs" USING btree ("financial_year","org_unit_id","service_id","kind","valid_from");