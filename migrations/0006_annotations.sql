CREATE TABLE "annotations" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_date" date NOT NULL,
	"org_unit_id" integer,
	"service_id" integer,
	"text" text NOT NULL,
	"rebase" boolean DEFAULT false NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "annotations_text_length" CHECK (char_length("annotations"."text") between 1 and 500)
);
--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "annotations_unit_date" ON "annotations" USING btree ("org_unit_id","event_date");--> statement-breakpoint
CREATE INDEX "annotations_date" ON "annotations" USING btree ("event_date");