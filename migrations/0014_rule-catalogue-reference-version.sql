-- The breakdown catalogue (dimensions, their categories, and which measures each splits) joins
-- the reference data whose changes move the reference version, so the rules' catalogue a save
-- checks against can be kept while that version stays the same.
CREATE TRIGGER reference_version_on_breakdown_dimensions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON breakdown_dimensions FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();--> statement-breakpoint
CREATE TRIGGER reference_version_on_breakdown_categories AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON breakdown_categories FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();--> statement-breakpoint
CREATE TRIGGER reference_version_on_breakdown_measures AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON breakdown_measures FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();
