-- The yearly duties (articles 11, 19, 23) and team make-up (article 8).
-- The obligations themselves are processes (kind obligation / assessment)
-- in the read model; these tables are the records that satisfy them,
-- counted by SQL when one is entered, and the team flags.

-- Article 8: a team may be led by a cadre of the rank it allows (a city
-- unit's 处级, a county unit's 科级) instead of a first secretary.
ALTER TABLE members ADD COLUMN cadre_level text NOT NULL DEFAULT ''
    CHECK (cadre_level IN ('', 'chu', 'ke'));

-- Article 11: one training, many attendees, entered by the county bureau.
CREATE TABLE trainings (
    id          uuid PRIMARY KEY,
    county_id   text NOT NULL REFERENCES counties(id),
    title       text NOT NULL,
    level       text NOT NULL CHECK (level IN ('township','county','city','province','national')),
    from_date   date NOT NULL,
    to_date     date NOT NULL,
    days        integer NOT NULL CHECK (days > 0),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CHECK (to_date >= from_date)
);
CREATE TABLE training_attendees (
    training_id uuid NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    member_id   text NOT NULL REFERENCES members(id),
    PRIMARY KEY (training_id, member_id)
);
CREATE INDEX training_attendees_member ON training_attendees (member_id);
CREATE INDEX trainings_county ON trainings (county_id, from_date);

-- Article 23: the unit's party committee hears a team's report.
CREATE TABLE unit_hearings (
    id          uuid PRIMARY KEY,
    unit_id     text NOT NULL REFERENCES units(id),
    team_id     text NOT NULL REFERENCES teams(id),
    held_on     date NOT NULL,
    note        text NOT NULL DEFAULT '',
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_hearings_unit ON unit_hearings (unit_id, team_id, held_on);

-- Article 23: the unit's principal or another leader visits the team's village.
CREATE TABLE unit_visits (
    id           uuid PRIMARY KEY,
    unit_id      text NOT NULL REFERENCES units(id),
    team_id      text NOT NULL REFERENCES teams(id),
    who          text NOT NULL CHECK (who IN ('principal','leader')),
    visitor_name text NOT NULL,
    visited_on   date NOT NULL,
    note         text NOT NULL DEFAULT '',
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_visits_unit ON unit_visits (unit_id, team_id, visited_on);

-- Article 8: a member kept on past the term (renewed until a day).
CREATE TABLE term_renewals (
    id          bigserial PRIMARY KEY,
    member_id   text NOT NULL REFERENCES members(id),
    team_id     text NOT NULL REFERENCES teams(id),
    until_date  date NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX term_renewals_member ON term_renewals (member_id, team_id, until_date);

-- Article 8: what the daily check found wrong with a team. A flag stays
-- open while the check keeps finding it and is resolved by the first
-- check that does not; member_id is '' for a flag of the whole team.
CREATE TABLE team_flags (
    id          bigserial PRIMARY KEY,
    team_id     text NOT NULL REFERENCES teams(id),
    county_id   text NOT NULL REFERENCES counties(id),
    flag        text NOT NULL CHECK (flag IN ('too_few','no_leader','leader_not_secretary','term_over')),
    member_id   text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '',
    opened_at   timestamptz NOT NULL,
    checked_at  timestamptz NOT NULL,
    resolved_at timestamptz
);
CREATE UNIQUE INDEX team_flags_open ON team_flags (team_id, flag, member_id) WHERE resolved_at IS NULL;
CREATE INDEX team_flags_county ON team_flags (county_id, opened_at) WHERE resolved_at IS NULL;
