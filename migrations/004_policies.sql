-- Rules as data: versions per scope ('city' is the default for every county).
CREATE TABLE policies (
    scope      text NOT NULL,
    version    integer NOT NULL,
    rules      jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT '',
    PRIMARY KEY (scope, version)
);

-- Holiday overrides for years the built-in calendar does not cover yet:
-- is_workday true marks a make-up workday (调休), false a holiday.
CREATE TABLE holidays (
    day        date PRIMARY KEY,
    is_workday boolean NOT NULL,
    name       text NOT NULL DEFAULT ''
);
