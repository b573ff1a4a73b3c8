-- Absences found by spot checks (article 18), one row per absence process,
-- kept current by the RecordProcess activity. The read model's processes
-- row holds the full resource; this table serves per-member and per-cycle
-- questions (the evaluation tally, a county's cycle) without reading JSON.
CREATE TABLE absences (
    process_id  uuid PRIMARY KEY,
    member_id   text NOT NULL,
    unit_id     text NOT NULL,
    county_id   text NOT NULL,
    cycle_month text NOT NULL,
    found_at    timestamptz NOT NULL,
    status      text NOT NULL,
    signed_at   timestamptz,
    late        boolean NOT NULL DEFAULT false,
    overdue     boolean NOT NULL DEFAULT false
);
CREATE INDEX absences_member ON absences (member_id, found_at);
CREATE INDEX absences_cycle ON absences (county_id, cycle_month);

