CREATE TABLE "org_unit_tiles" (
	"org_unit_id" integer PRIMARY KEY NOT NULL,
	"row" smallint NOT NULL,
	"column" smallint NOT NULL,
	"label" text NOT NULL,
	CONSTRAINT "org_unit_tiles_one_per_cell" UNIQUE("row","column"),
	CONSTRAINT "org_unit_tiles_position" CHECK ("org_unit_tiles"."row" between 0 and 30 and "org_unit_tiles"."column" between 0 and 30)
);
--> statement-breakpoint
CREATE TABLE "figure_totals_by_service" (
	"month" date NOT NULL,
	"service_id" integer NOT NULL,
	"measure_id" integer NOT NULL,
	"total" bigint NOT NULL,
	"reported" integer NOT NULL,
	CONSTRAINT "figure_totals_by_service_month_service_id_measure_id_pk" PRIMARY KEY("month","service_id","measure_id")
);
--> statement-breakpoint
CREATE TABLE "figure_totals_by_unit" (
	"month" date NOT NULL,
	"org_unit_id" integer NOT NULL,
	"family" text NOT NULL,
	"measure_id" integer NOT NULL,
	"total" bigint NOT NULL,
	"reported" integer NOT NULL,
	CONSTRAINT "figure_totals_by_unit_month_org_unit_id_family_measure_id_pk" PRIMARY KEY("month","org_unit_id","family","measure_id")
);
--> statement-breakpoint
ALTER TABLE "org_unit_tiles" ADD CONSTRAINT "org_unit_tiles_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "return_values_current_service_month" ON "return_values" USING btree ("service_id","month","measure_id") WHERE "return_values"."valid_to" is null;