-- 已办 (GET /done): a user's own timeline events, newest first. The
-- system's reminders, overdue marks and escalations are most of the
-- events and nobody's decisions, so the index leaves them out.
CREATE INDEX process_events_actor ON process_events (actor_id, at, process_id, seq) WHERE actor_id <> 'system';
