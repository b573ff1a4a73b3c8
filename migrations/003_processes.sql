-- The read model: every process, its steps, its timeline, who it waits on.
-- Written only by the RecordProcess activity, guarded by version so a late
-- retry never overwrites a newer state.

CREATE TABLE processes (
    id          uuid PRIMARY KEY,
    workflow_id text NOT NULL UNIQUE,
    kind        text NOT NULL,
    subject     text NOT NULL,
    member_id   text,
    county_id   text NOT NULL,
    township_id text,
    unit_id     text,
    status      text NOT NULL,
    step        text NOT NULL DEFAULT '',
    waiting_on  jsonb NOT NULL DEFAULT '[]',
    due_at      timestamptz,
    overdue     boolean NOT NULL DEFAULT false,
    opened_at   timestamptz NOT NULL,
    closed_at   timestamptz,
    version     integer NOT NULL,
    steps       jsonb NOT NULL DEFAULT '[]',
    detail      jsonb NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processes_county ON processes (county_id, kind, status, due_at);
CREATE INDEX processes_overdue ON processes (county_id, due_at) WHERE overdue;
CREATE INDEX processes_member ON processes (member_id, kind, opened_at);
CREATE INDEX processes_unit ON processes (unit_id, opened_at);
CREATE INDEX processes_opened ON processes (opened_at, id);

-- One row per (process, party it waits on): the inbox index.
CREATE TABLE process_waiting (
    process_id uuid NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    party      text NOT NULL,
    step       text NOT NULL,
    due_at     timestamptz,
    escalated  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (process_id, party, step)
);
CREATE INDEX process_waiting_party ON process_waiting (party, due_at);

CREATE TABLE process_events (
    process_id uuid NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    at         timestamptz NOT NULL,
    actor_id   text NOT NULL,
    actor      text NOT NULL,
    role       text NOT NULL,
    action     text NOT NULL,
    step       text NOT NULL DEFAULT '',
    comment    text NOT NULL DEFAULT '',
    PRIMARY KEY (process_id, seq)
);

-- Leaves in force, for the overlap check. The server reserves the period
-- (under a per-member lock) before it starts the workflow; the Record
-- activity keeps its dates and status current.
CREATE TABLE leave_periods (
    process_id uuid PRIMARY KEY,
    member_id  text NOT NULL,
    start_date date NOT NULL,
    end_date   date NOT NULL,
    status     text NOT NULL
);
CREATE INDEX leave_periods_member ON leave_periods (member_id, start_date);

-- The notification outbox; the sender marks rows sent.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    process_id  uuid NOT NULL,
    version     integer NOT NULL,
    idx         integer NOT NULL,
    recipient   text NOT NULL,
    text        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    next_try_at timestamptz NOT NULL DEFAULT now(),
    last_error  text NOT NULL DEFAULT '',
    UNIQUE (process_id, version, idx)
);
CREATE INDEX outbox_unsent ON outbox (next_try_at) WHERE sent_at IS NULL;
