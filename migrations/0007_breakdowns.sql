CREATE TABLE "breakdown_categories" (
	"id" serial PRIMARY KEY NOT NULL,
	"dimension_id" integer NOT NULL,
	"name" text NOT NULL,
	"label" text NOT NULL,
	"rank" smallint,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "breakdown_categories_dimension_name" UNIQUE("dimension_id","name"),
	CONSTRAINT "breakdown_categories_dimension_id" UNIQUE("dimension_id","id")
);
--> statement-breakpoint
CREATE TABLE "breakdown_dimensions" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"label" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "breakdown_dimensions_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "breakdown_measures" (
	"service_id" integer NOT NULL,
	"measure_id" integer NOT NULL,
	"dimension_id" integer NOT NULL,
	CONSTRAINT "breakdown_measures_service_id_measure_id_dimension_id_pk" PRIMARY KEY("service_id","measure_id","dimension_id")
);
--> statement-breakpoint
CREATE TABLE "breakdown_populations" (
	"org_unit_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"dimension_id" integer NOT NULL,
	"category_id" integer NOT NULL,
	"population" integer NOT NULL,
	"source" text NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "breakdown_populations_org_unit_id_year_category_id_source_pk" PRIMARY KEY("org_unit_id","year","category_id","source"),
	CONSTRAINT "breakdown_populations_population_non_negative" CHECK ("breakdown_populations"."population" >= 0),
	CONSTRAINT "breakdown_populations_year_range" CHECK ("breakdown_populations"."year" between 1900 and 2200)
);
--> statement-breakpoint
CREATE TABLE "breakdown_values" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_unit_id" integer NOT NULL,
	"service_id" integer NOT NULL,
	"month" date NOT NULL,
	"measure_id" integer NOT NULL,
	"dimension_id" integer NOT NULL,
	"category_id" integer NOT NULL,
	"value" integer NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"valid_to" timestamp with time zone,
	"changed_by" integer,
	"change_reason" text,
	CONSTRAINT "breakdown_values_value_non_negative" CHECK ("breakdown_values"."value" >= 0),
	CONSTRAINT "breakdown_values_valid_period" CHECK ("breakdown_values"."valid_to" is null or "breakdown_values"."valid_to" >= "breakdown_values"."valid_from")
);
--> statement-breakpoint
ALTER TABLE "breakdown_categories" ADD CONSTRAINT "breakdown_categories_dimension_id_breakdown_dimensions_id_fk" FOREIGN KEY ("dimension_id") REFERENCES "public"."breakdown_dimensions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_measures" ADD CONSTRAINT "breakdown_measures_dimension_id_breakdown_dimensions_id_fk" FOREIGN KEY ("dimension_id") REFERENCES "public"."breakdown_dimensions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_measures" ADD CONSTRAINT "breakdown_measures_service_measure_fk" FOREIGN KEY ("service_id","measure_id") REFERENCES "public"."service_measures"("service_id","measure_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_populations" ADD CONSTRAINT "breakdown_populations_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_populations" ADD CONSTRAINT "breakdown_populations_category_fk" FOREIGN KEY ("dimension_id","category_id") REFERENCES "public"."breakdown_categories"("dimension_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_values" ADD CONSTRAINT "breakdown_values_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_values" ADD CONSTRAINT "breakdown_values_return_fk" FOREIGN KEY ("org_unit_id","month") REFERENCES "public"."returns"("org_unit_id","month") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_values" ADD CONSTRAINT "breakdown_values_breakdown_measure_fk" FOREIGN KEY ("service_id","measure_id","dimension_id") REFERENCES "public"."breakdown_measures"("service_id","measure_id","dimension_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_values" ADD CONSTRAINT "breakdown_values_category_fk" FOREIGN KEY ("dimension_id","category_id") REFERENCES "public"."breakdown_categories"("dimension_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "breakdown_values_one_current" ON "breakdown_values" USING btree ("org_unit_id","service_id","month","measure_id","category_id") WHERE "breakdown_values"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "breakdown_values_history" ON "breakdown_values" USING btree ("org_unit_id","month","service_id","measure_id","valid_from");--> statement-breakpoint
CREATE INDEX "breakdown_values_current_service_month" ON "breakdown_values" USING btree ("service_id","measure_id","dimension_id","month") WHERE "breakdown_values"."valid_to" is null;--> statement-breakpoint
-- Breakdown figures are append-only like the totals: a row may only be closed once, never
-- changed otherwise, never deleted.
CREATE FUNCTION breakdown_values_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'breakdown_values is append-only: figure % cannot be deleted', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.valid_to IS NOT NULL
     OR NEW.valid_to IS NULL
     OR (NEW.id, NEW.org_unit_id, NEW.service_id, NEW.month, NEW.measure_id, NEW.dimension_id,
         NEW.category_id, NEW.value, NEW.valid_from, NEW.changed_by, NEW.change_reason)
        IS DISTINCT FROM
        (OLD.id, OLD.org_unit_id, OLD.service_id, OLD.month, OLD.measure_id, OLD.dimension_id,
         OLD.category_id, OLD.value, OLD.valid_from, OLD.changed_by, OLD.change_reason)
  THEN
    RAISE EXCEPTION 'breakdown_values is append-only: figure % can only be closed, not changed', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER breakdown_values_append_only
  BEFORE UPDATE OR DELETE ON breakdown_values
  FOR EACH ROW EXECUTE FUNCTION breakdown_values_append_only();
