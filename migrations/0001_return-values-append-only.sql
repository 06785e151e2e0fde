-- Monthly figures are append-only: a row may only be closed once (valid_to set from null to a
-- time), never changed otherwise, and never deleted. Every earlier version therefore survives,
-- which is what the audit trail, revision qualifiers and "as at" exports rely on.
CREATE FUNCTION return_values_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'return_values is append-only: figure % cannot be deleted', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.valid_to IS NOT NULL
     OR NEW.valid_to IS NULL
     OR (NEW.id, NEW.org_unit_id, NEW.service_id, NEW.month, NEW.measure_id, NEW.value,
         NEW.comment, NEW.valid_from, NEW.changed_by, NEW.change_reason)
        IS DISTINCT FROM
        (OLD.id, OLD.org_unit_id, OLD.service_id, OLD.month, OLD.measure_id, OLD.value,
         OLD.comment, OLD.valid_from, OLD.changed_by, OLD.change_reason)
  THEN
    RAISE EXCEPTION 'return_values is append-only: figure % can only be closed, not changed', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER return_values_append_only
  BEFORE UPDATE OR DELETE ON return_values
  FOR EACH ROW EXECUTE FUNCTION return_values_append_only();
