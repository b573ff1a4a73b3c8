-- A process the server wrote before its workflow started (version 0, see
-- workflows.Provisional). Normally its workflow's first record replaces it
-- within milliseconds; one left behind by a crash between the write and the
-- start is found through this small index and released.
CREATE INDEX processes_provisional ON processes (opened_at) WHERE version = 0;
