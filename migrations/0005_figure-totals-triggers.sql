-- The figure totals (figure_totals_by_service, figure_totals_by_unit) are kept up to date by
-- these triggers, in the same transaction as the write that changes them: a figure counts from
-- the moment it is saved, in a return that has been submitted, and stops counting when a newer
-- version replaces it. Statement-level triggers with transition tables do the work once per
-- statement, not once per row, and apply the changes in key order so that writers touching the
-- same totals take their row locks in the same order.

-- Adds the signed changes staged in figure_total_changes to both rollups.
CREATE FUNCTION figure_totals_apply() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO figure_totals_by_service AS t (month, service_id, measure_id, total, reported)
  SELECT c.month, c.service_id, c.measure_id, sum(c.sign * coalesce(c.value, 0)), sum(c.sign * (c.value IS NOT NULL)::int)
  FROM figure_total_changes c
  GROUP BY c.month, c.service_id, c.measure_id
  ORDER BY c.month, c.service_id, c.measure_id
  ON CONFLICT (month, service_id, measure_id) DO UPDATE
    SET total = t.total + excluded.total, reported = t.reported + excluded.reported;

  INSERT INTO figure_totals_by_unit AS t (month, org_unit_id, family, measure_id, total, reported)
  SELECT c.month, c.org_unit_id, s.family, c.measure_id, sum(c.sign * coalesce(c.value, 0)), sum(c.sign * (c.value IS NOT NULL)::int)
  FROM figure_total_changes c
  JOIN services s ON s.id = c.service_id
  GROUP BY c.month, c.org_unit_id, s.family, c.measure_id
  ORDER BY c.month, c.org_unit_id, s.family, c.measure_id
  ON CONFLICT (month, org_unit_id, family, measure_id) DO UPDATE
    SET total = t.total + excluded.total, reported = t.reported + excluded.reported;

  TRUNCATE figure_total_changes;
END
$$;
--> statement-breakpoint
-- The staging table of one statement's changes: temporary, so each session has its own.
CREATE FUNCTION figure_totals_stage() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.figure_total_changes') IS NULL THEN
    CREATE TEMPORARY TABLE figure_total_changes (
      org_unit_id int NOT NULL, service_id int NOT NULL, month date NOT NULL, measure_id int NOT NULL,
      value int, sign int NOT NULL
    ) ON COMMIT DELETE ROWS;
  END IF;
END
$$;
--> statement-breakpoint
-- New current versions (inserts) count; closed versions (valid_to set) stop counting. Only
-- figures of submitted returns count. The returns concerned are locked FOR SHARE first, so a
-- submission running at the same moment either sees these figures or waits for them.
CREATE FUNCTION figure_totals_on_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM figure_totals_stage();
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM returns r
    WHERE (r.org_unit_id, r.month) IN (SELECT n.org_unit_id, n.month FROM new_rows n)
    ORDER BY r.org_unit_id, r.month
    FOR SHARE;
    INSERT INTO figure_total_changes
    SELECT n.org_unit_id, n.service_id, n.month, n.measure_id, n.value, 1
    FROM new_rows n
    JOIN returns r ON r.org_unit_id = n.org_unit_id AND r.month = n.month
    WHERE n.valid_to IS NULL AND r.first_submitted_at IS NOT NULL;
  ELSE
    PERFORM 1 FROM returns r
    WHERE (r.org_unit_id, r.month) IN (SELECT o.org_unit_id, o.month FROM old_rows o)
    ORDER BY r.org_unit_id, r.month
    FOR SHARE;
    INSERT INTO figure_total_changes
    SELECT o.org_unit_id, o.service_id, o.month, o.measure_id, o.value, -1
    FROM old_rows o
    JOIN new_rows n ON n.id = o.id
    JOIN returns r ON r.org_unit_id = o.org_unit_id AND r.month = o.month
    WHERE o.valid_to IS NULL AND n.valid_to IS NOT NULL AND r.first_submitted_at IS NOT NULL;
  END IF;
  PERFORM figure_totals_apply();
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER figure_totals_on_insert
  AFTER INSERT ON return_values REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION figure_totals_on_values();
--> statement-breakpoint
CREATE TRIGGER figure_totals_on_update
  AFTER UPDATE ON return_values REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION figure_totals_on_values();
--> statement-breakpoint
-- A return's current figures start counting when it is first submitted (and would stop if that
-- were ever undone).
CREATE FUNCTION figure_totals_on_returns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM figure_totals_stage();
  INSERT INTO figure_total_changes
  SELECT v.org_unit_id, v.service_id, v.month, v.measure_id, v.value,
    CASE WHEN n.first_submitted_at IS NOT NULL THEN 1 ELSE -1 END
  FROM old_rows o
  JOIN new_rows n ON n.org_unit_id = o.org_unit_id AND n.month = o.month
  JOIN return_values v ON v.org_unit_id = n.org_unit_id AND v.month = n.month AND v.valid_to IS NULL
  WHERE (o.first_submitted_at IS NULL) <> (n.first_submitted_at IS NULL);
  PERFORM figure_totals_apply();
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER figure_totals_on_returns
  AFTER UPDATE ON returns REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION figure_totals_on_returns();
--> statement-breakpoint
-- Recomputes both rollups from the figures: used below for existing data, after emptying the
-- figures, and when a service moves to another family.
CREATE FUNCTION figure_totals_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM figure_totals_by_service;
  DELETE FROM figure_totals_by_unit;
  PERFORM figure_totals_stage();
  INSERT INTO figure_total_changes
  SELECT v.org_unit_id, v.service_id, v.month, v.measure_id, v.value, 1
  FROM return_values v
  JOIN returns r ON r.org_unit_id = v.org_unit_id AND r.month = v.month
  WHERE v.valid_to IS NULL AND r.first_submitted_at IS NOT NULL;
  PERFORM figure_totals_apply();
END
$$;
--> statement-breakpoint
CREATE FUNCTION figure_totals_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE figure_totals_by_service, figure_totals_by_unit;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER figure_totals_on_truncate_values
  AFTER TRUNCATE ON return_values FOR EACH STATEMENT EXECUTE FUNCTION figure_totals_on_truncate();
--> statement-breakpoint
CREATE TRIGGER figure_totals_on_truncate_returns
  AFTER TRUNCATE ON returns FOR EACH STATEMENT EXECUTE FUNCTION figure_totals_on_truncate();
--> statement-breakpoint
CREATE FUNCTION figure_totals_on_family_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM figure_totals_rebuild();
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER figure_totals_on_family_change
  AFTER UPDATE OF family ON services
  FOR EACH ROW WHEN (OLD.family IS DISTINCT FROM NEW.family)
  EXECUTE FUNCTION figure_totals_on_family_change();
--> statement-breakpoint
SELECT figure_totals_rebuild();
