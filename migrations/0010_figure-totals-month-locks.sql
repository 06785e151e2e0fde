-- Boards saving the same month at the same moment all change that month's national totals
-- (figure_totals_by_service). A save is two statements (close the old versions, insert the new
-- ones), each applying its changes in key order, but the keys of one statement and of the next
-- interleave with another save's, and the first save of a return inserts totals rows that others
-- then wait on: PostgreSQL saw deadlocks between three saves. Now every change to the totals
-- first takes a transaction-level advisory lock per month it touches, in month order, so writers
-- of the same month take turns for the short rest of their transaction and can never wait on
-- each other in a circle. Writers of different months do not wait at all. A transaction that
-- saves several months (an upload) saves them in month order, so it takes these locks in order
-- too.
CREATE OR REPLACE FUNCTION figure_totals_apply() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m date;
BEGIN
  FOR m IN SELECT DISTINCT c.month FROM figure_total_changes c ORDER BY c.month LOOP
    -- 1 is the class of these locks; the month is numbered from year 0.
    PERFORM pg_advisory_xact_lock(1, (extract(year FROM m) * 12 + extract(month FROM m))::int);
  END LOOP;

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
