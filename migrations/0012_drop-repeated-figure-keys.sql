ALTER TABLE "return_values" DROP CONSTRAINT "return_values_service_fk";
--> statement-breakpoint
ALTER TABLE "return_values" DROP CONSTRAINT "return_values_measure_fk";
