-- Issue 17: the rules as a county office lives them.

-- The principal (一把手) of a dispatching unit: of its unit_head accounts,
-- the one that signs absence explanations. An installation that had unit
-- heads keeps the first of each unit as its principal.
ALTER TABLE users ADD COLUMN principal boolean NOT NULL DEFAULT false;
UPDATE users u SET principal = true
WHERE u.role = 'unit_head' AND u.unit_id IS NOT NULL AND u.id = (
    SELECT x.id FROM users x WHERE x.role = 'unit_head' AND x.unit_id = u.unit_id
    ORDER BY x.created_at, x.username LIMIT 1);
CREATE UNIQUE INDEX users_unit_principal ON users (unit_id) WHERE principal;

-- A leave's period also holds the days of a pending extension
-- (reserved_end, later than end_date while the extension waits), and the
-- day the member reported back, which the absence cross-check counts as
-- covered.
ALTER TABLE leave_periods ADD COLUMN reserved_end date;
ALTER TABLE leave_periods ADD COLUMN returned_on date;

-- A year's statutory holidays and make-up workdays (调休) as the State
-- Council's notice gives them, loaded by a city office; each load is a new
-- version, the latest in force. A loaded year is decided by its schedule
-- alone.
CREATE TABLE holiday_years (
    year       integer NOT NULL CHECK (year BETWEEN 2000 AND 2099),
    version    integer NOT NULL,
    holidays   jsonb NOT NULL,
    workdays   jsonb NOT NULL,
    notice     text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (year, version)
);
