-- The organisation: places, offices, dispatching units, teams and members.
-- Ids are short readable slugs so URLs and examples stay legible.

CREATE TABLE cities (
    id   text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE counties (
    id      text PRIMARY KEY,
    city_id text NOT NULL REFERENCES cities(id),
    name    text NOT NULL
);

CREATE TABLE townships (
    id        text PRIMARY KEY,
    county_id text NOT NULL REFERENCES counties(id),
    name      text NOT NULL
);

CREATE TABLE villages (
    id          text PRIMARY KEY,
    township_id text NOT NULL REFERENCES townships(id),
    name        text NOT NULL
);

-- An office is a township committee, a county office or a city office.
CREATE TABLE offices (
    id          text PRIMARY KEY,
    role        text NOT NULL CHECK (role IN ('township_committee','county_org_dept','county_bureau','city_org_dept','city_bureau')),
    name        text NOT NULL,
    city_id     text NOT NULL REFERENCES cities(id),
    county_id   text REFERENCES counties(id),
    township_id text REFERENCES townships(id)
);
CREATE UNIQUE INDEX offices_township_role ON offices (township_id, role) WHERE township_id IS NOT NULL;
CREATE UNIQUE INDEX offices_county_role ON offices (county_id, role) WHERE county_id IS NOT NULL AND township_id IS NULL;

-- A dispatching unit (派出单位) sends members; city- or county-level.
CREATE TABLE units (
    id        text PRIMARY KEY,
    name      text NOT NULL,
    level     text NOT NULL CHECK (level IN ('city','county')),
    city_id   text NOT NULL REFERENCES cities(id),
    county_id text REFERENCES counties(id),
    head_name text NOT NULL DEFAULT ''
);

CREATE TABLE members (
    id      text PRIMARY KEY,
    name    text NOT NULL,
    unit_id text NOT NULL REFERENCES units(id),
    phone   text NOT NULL DEFAULT '',
    -- first secretary (第一书记): may lead a team
    first_secretary boolean NOT NULL DEFAULT false
);

CREATE TABLE teams (
    id         text PRIMARY KEY,
    village_id text NOT NULL UNIQUE REFERENCES villages(id),
    name       text NOT NULL
);

-- The ledger (台账): who was on which team from when to when. History is
-- never rewritten; a membership ends by setting to_date once.
CREATE TABLE memberships (
    id           bigserial PRIMARY KEY,
    team_id      text NOT NULL REFERENCES teams(id),
    member_id    text NOT NULL REFERENCES members(id),
    is_leader    boolean NOT NULL DEFAULT false,
    from_date    date NOT NULL,
    to_date      date,           -- last day on the team; NULL while current
    change_id    uuid,           -- the roster change that made or ended it
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX memberships_team ON memberships (team_id, from_date);
CREATE INDEX memberships_member ON memberships (member_id, from_date);
