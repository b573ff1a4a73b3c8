-- The 督查 board (issue 13): supervisors' counts, live from the read model.
--
-- Open processes are about 15% of the read model. The board's counts read
-- only them, grouped by place, unit, kind and step, and need only these
-- columns: one partial index holds them all, so a county's board (or the
-- city's) reads the index and not the rows.
CREATE INDEX processes_open_board ON processes (county_id, township_id, unit_id, kind, step, overdue, due_at, id)
    WHERE closed_at IS NULL;
-- Escalated (督办) lines are few; the board joins their processes' ids.
CREATE INDEX process_waiting_escalated ON process_waiting (process_id) WHERE escalated;

-- The monthly series (absences, late explanations, leave days per month
-- and county) kept by triggers on the side tables the Record activity
-- writes, so a year of the city's series is a few thousand rows, not a
-- scan of every absence and leave. Months are China's (YYYY-MM).
CREATE TABLE board_months (
    county_id  text NOT NULL,
    month      text NOT NULL,
    absences   integer NOT NULL DEFAULT 0,
    late       integer NOT NULL DEFAULT 0,
    leave_days integer NOT NULL DEFAULT 0,
    PRIMARY KEY (county_id, month)
);
CREATE INDEX board_months_month ON board_months (month, county_id);

-- An absence counts in the month it was found, unless voided; a late
-- explanation counts in the same month.
CREATE FUNCTION board_absence_add(county text, found timestamptz, was_late boolean, absence_status text, sign integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO board_months AS b (county_id, month, absences, late)
    SELECT county, to_char(found AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), sign, CASE WHEN was_late THEN sign ELSE 0 END
    WHERE absence_status <> 'voided'
    ON CONFLICT (county_id, month) DO UPDATE SET absences = b.absences + EXCLUDED.absences, late = b.late + EXCLUDED.late
$$;

CREATE FUNCTION board_absences() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.county_id = NEW.county_id AND OLD.found_at = NEW.found_at
       AND OLD.late = NEW.late AND (OLD.status = 'voided') = (NEW.status = 'voided') THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM board_absence_add(OLD.county_id, OLD.found_at, OLD.late, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM board_absence_add(NEW.county_id, NEW.found_at, NEW.late, NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER board_absences AFTER INSERT OR UPDATE OR DELETE ON absences
    FOR EACH ROW EXECUTE FUNCTION board_absences();

-- A leave's days count, per calendar month they fall in, once approved
-- (or returned from). The process row, written before the side table in
-- the same record, names the county.
CREATE FUNCTION board_leave_add(leave_id uuid, first_day date, last_day date, leave_status text, sign integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO board_months AS b (county_id, month, leave_days)
    SELECT p.county_id, to_char(m, 'YYYY-MM'),
           sign * ((least(last_day, (m + interval '1 month')::date - 1) - greatest(first_day, m::date)) + 1)
    FROM processes p, generate_series(date_trunc('month', first_day), last_day, interval '1 month') m
    WHERE p.id = leave_id AND leave_status IN ('approved', 'returned') AND last_day >= first_day
    ORDER BY 2
    ON CONFLICT (county_id, month) DO UPDATE SET leave_days = b.leave_days + EXCLUDED.leave_days
$$;

CREATE FUNCTION board_leaves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.start_date = NEW.start_date AND OLD.end_date = NEW.end_date
       AND OLD.status = NEW.status THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM board_leave_add(OLD.process_id, OLD.start_date, OLD.end_date, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM board_leave_add(NEW.process_id, NEW.start_date, NEW.end_date, NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER board_leaves AFTER INSERT OR UPDATE OR DELETE ON leave_periods
    FOR EACH ROW EXECUTE FUNCTION board_leaves();

-- What the read model holds already.
INSERT INTO board_months (county_id, month, absences, late)
SELECT county_id, to_char(found_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), count(*), count(*) FILTER (WHERE late)
FROM absences WHERE status <> 'voided' GROUP BY 1, 2;
INSERT INTO board_months AS b (county_id, month, leave_days)
SELECT p.county_id, to_char(m, 'YYYY-MM'),
       sum((least(l.end_date, (m + interval '1 month')::date - 1) - greatest(l.start_date, m::date)) + 1)
FROM leave_periods l JOIN processes p ON p.id = l.process_id,
     generate_series(date_trunc('month', l.start_date), l.end_date, interval '1 month') m
WHERE l.status IN ('approved', 'returned') AND l.end_date >= l.start_date
GROUP BY 1, 2
ON CONFLICT (county_id, month) DO UPDATE SET leave_days = b.leave_days + EXCLUDED.leave_days;
