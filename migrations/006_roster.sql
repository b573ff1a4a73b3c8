-- Roster changes (动态备案, article 17) and the ledger's history.
--
-- A membership row is made by one change (change_id) and ended, once, by
-- another (ended_by): to_date is set and never moved. A leader change
-- closes the rows of the old and the new leader and opens new ones, so
-- who led the team is history too.
ALTER TABLE memberships ADD COLUMN ended_by uuid;
CREATE INDEX memberships_open ON memberships (member_id) WHERE to_date IS NULL;

-- Every recorded change, reserved by the server (under a lock, after the
-- ledger check) before its workflow starts. state says what the ledger
-- made of it: pending until both county offices have filed it, then
-- applied (or conflict when the ledger had moved meanwhile); cancelled
-- when its workflow never started. A pending change blocks other changes
-- of the same members, so two changes cannot both pass the check.
-- status mirrors the workflow's (awaiting_filing|filed|reported).
CREATE TABLE roster_changes (
    id                 uuid PRIMARY KEY,
    team_id            text NOT NULL REFERENCES teams(id),
    county_id          text NOT NULL REFERENCES counties(id),
    change             text NOT NULL CHECK (change IN ('join','leave','replace','leader')),
    member_id          text NOT NULL REFERENCES members(id),
    replaces_member_id text REFERENCES members(id),
    effective_on       date NOT NULL,
    state              text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','applied','conflict','cancelled')),
    status             text NOT NULL DEFAULT 'awaiting_filing',
    note               text NOT NULL DEFAULT '',
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    applied_at         timestamptz
);
CREATE INDEX roster_changes_pending_member ON roster_changes (member_id) WHERE state = 'pending';
CREATE INDEX roster_changes_pending_replaced ON roster_changes (replaces_member_id) WHERE state = 'pending';
CREATE INDEX roster_changes_team ON roster_changes (team_id, effective_on);
