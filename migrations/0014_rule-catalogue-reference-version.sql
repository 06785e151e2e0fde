-- The breakdown catalogue (dimensions, their categories, and which measures each splits) joins
-- the reference data whose changes move the reference version, so the rules' catalogue a save
-- checks against can be kept while that version stays the same.
DO $$
DECLARE
  reference_table text;
BEGIN
  FOREACH reference_table IN ARRAY ARRAY['breakdown_dimensions', 'breakdown_categories', 'breakdown_measures'] LOOP
    EXECUTE format(
      'CREATE TRIGGER reference_version_on_%1$s AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %1$I
         FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()',
      reference_table);
  END LOOP;
END
$$;
