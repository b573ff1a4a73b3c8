-- Creating requests per user, for the limits a county sets on how many
-- processes one person may open a minute and a day (policy.CreationRules):
-- one row per creating request let through, kept a day.
CREATE TABLE creations (
    id      bigserial PRIMARY KEY,
    user_id uuid NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX creations_user_at ON creations (user_id, at);

-- The inbox (GET /inbox) is paged by a keyset over (due_at, process_id,
-- step): the index holds the whole key, so a page is read in order.
DROP INDEX IF EXISTS process_waiting_party;
CREATE INDEX process_waiting_party ON process_waiting (party, due_at NULLS LAST, process_id, step);
