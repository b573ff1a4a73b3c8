-- Article 13 (五天四夜, 20 working days a month), counted by exception:
-- spot checks the bureaus record, trips members report, the monthly
-- statement worked out from them, and the optional one-tap check-in.

-- One row per member checked (查岗). A check of a whole team is one call
-- and one batch_id. An absent result opens an absence (article 18),
-- linked here; an excused one names the leave or trip that covers it.
CREATE TABLE spot_checks (
    id          uuid PRIMARY KEY,
    batch_id    uuid NOT NULL,
    member_id   text NOT NULL REFERENCES members(id),
    team_id     text NOT NULL,
    township_id text NOT NULL,
    county_id   text NOT NULL,
    checked_at  timestamptz NOT NULL,
    channel     text NOT NULL CHECK (channel IN ('video','phone','on_site','online')),
    result      text NOT NULL CHECK (result IN ('present','absent','excused')),
    cover_kind  text NOT NULL DEFAULT '' CHECK (cover_kind IN ('','leave','trip')),
    cover_id    uuid,
    note        text NOT NULL DEFAULT '',
    absence_id  uuid,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX spot_checks_county ON spot_checks (county_id, checked_at);
CREATE INDEX spot_checks_member ON spot_checks (member_id, checked_at);

-- Work trips out of the village (外出报备): they count as days in post.
-- A trip within the policy's trip_approval_days is 'reported' at once; a
-- longer one is a process (kind trip) whose status its workflow keeps here.
CREATE TABLE trips (
    id          uuid PRIMARY KEY,
    member_id   text NOT NULL REFERENCES members(id),
    team_id     text NOT NULL,
    township_id text NOT NULL,
    county_id   text NOT NULL,
    start_date  date NOT NULL,
    end_date    date NOT NULL,
    destination text NOT NULL,
    purpose     text NOT NULL,
    days        integer NOT NULL,
    status      text NOT NULL CHECK (status IN ('reported','pending','approved','refused')),
    needs_approval boolean NOT NULL DEFAULT false,
    reported_at timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date)
);
CREATE INDEX trips_member ON trips (member_id, start_date);
CREATE INDEX trips_township ON trips (township_id, start_date);
CREATE INDEX trips_county ON trips (county_id, start_date);

-- The monthly statement's figures, one row per member and month, written
-- whole by the statement's activity (re-running it replaces them).
-- weeks: per ISO week of the month, the member's working days and days in
-- post, for five days / four nights.
CREATE TABLE presence_statements (
    county_id    text NOT NULL,
    month        text NOT NULL,
    member_id    text NOT NULL,
    team_id      text NOT NULL,
    township_id  text NOT NULL,
    working_days integer NOT NULL,
    leave_days   integer NOT NULL,
    trip_days    integer NOT NULL,
    absent_days  integer NOT NULL,
    in_post_days integer NOT NULL,
    counted_days integer NOT NULL,
    required_days integer NOT NULL,
    weeks        jsonb NOT NULL DEFAULT '[]',
    computed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county_id, month, member_id)
);

-- Shortfall items (below min_days_month), mirrored from the statement
-- process for lists and the member's record: a person decides each.
CREATE TABLE presence_shortfalls (
    process_id  uuid NOT NULL,
    county_id   text NOT NULL,
    month       text NOT NULL,
    member_id   text NOT NULL,
    status      text NOT NULL CHECK (status IN ('pending','excused','explanation')),
    absence_id  uuid,
    PRIMARY KEY (process_id, member_id)
);
CREATE INDEX presence_shortfalls_county ON presence_shortfalls (county_id, month, status);

-- The optional one-tap check-in: at most one a day, a point only if given.
CREATE TABLE check_ins (
    member_id text NOT NULL REFERENCES members(id),
    day       date NOT NULL,
    at        timestamptz NOT NULL,
    lat       double precision,
    lng       double precision,
    PRIMARY KEY (member_id, day)
);
