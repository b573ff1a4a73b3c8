-- 委托 and 抄送 (issue 20).
--
-- A delegation: while the delegator is away (China dates, both days
-- inclusive) the deputy, an account of the same office or unit, sees and
-- decides what waits on the delegator's own account (steps handed over to
-- it, a unit principal's signature). Ended early, ended_at is set; rows
-- are kept, so who could act for whom stays on record.
CREATE TABLE delegations (
    id           uuid PRIMARY KEY,
    delegator_id uuid NOT NULL REFERENCES users(id),
    deputy_id    uuid NOT NULL REFERENCES users(id),
    start_date   date NOT NULL,
    end_date     date NOT NULL,
    reason       text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz,
    CHECK (delegator_id <> deputy_id),
    CHECK (start_date <= end_date)
);
-- The inbox asks, on every read, which delegations name the caller as
-- deputy today; the checks ask which the delegator holds.
CREATE INDEX delegations_deputy ON delegations (deputy_id, end_date) WHERE ended_at IS NULL;
CREATE INDEX delegations_delegator ON delegations (delegator_id, end_date) WHERE ended_at IS NULL;

-- 抄送我的: a decided leave's detail names the parties it was copied to
-- (copied_to, their keys); the list asks which contain the caller's.
CREATE INDEX processes_copied_to ON processes USING gin ((detail -> 'copied_to')) WHERE kind = 'leave';
