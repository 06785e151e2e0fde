-- Costs are append-only like the monthly figures (0001): a row may only be closed once (valid_to
-- set from null to a time), never changed otherwise, and never deleted, so every amount ever
-- recorded survives for the audit trail and for figures "as at" a past moment.
CREATE FUNCTION costs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'costs is append-only: cost % cannot be deleted', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.valid_to IS NOT NULL
     OR NEW.valid_to IS NULL
     OR (NEW.id, NEW.financial_year, NEW.org_unit_id, NEW.service_id, NEW.kind, NEW.amount,
         NEW.comment, NEW.valid_from, NEW.changed_by, NEW.change_reason)
        IS DISTINCT FROM
        (OLD.id, OLD.financial_year, OLD.org_unit_id, OLD.service_id, OLD.kind, OLD.amount,
         OLD.comment, OLD.valid_from, OLD.changed_by, OLD.change_reason)
  THEN
    RAISE EXCEPTION 'costs is append-only: cost % can only be closed, not changed', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER costs_append_only
  BEFORE UPDATE OR DELETE ON costs
  FOR EACH ROW EXECUTE FUNCTION costs_append_only();
