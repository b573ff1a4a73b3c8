-- Supervisors' lists at national scale: a county's overdue processes come
-- newest first straight off this index, with no sort over the county.
CREATE INDEX processes_county_overdue_opened ON processes (county_id, opened_at DESC, id DESC) WHERE overdue;
-- The waiting index orders NULL due times last, as the inbox does.
DROP INDEX IF EXISTS process_waiting_party;
CREATE INDEX process_waiting_party ON process_waiting (party, due_at NULLS LAST);
