-- Accounts: one user is bound to one role and the ids that scope it.
CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    role          text NOT NULL CHECK (role IN ('member','unit_head','township_committee','county_org_dept','county_bureau','city_org_dept','city_bureau','admin')),
    password_hash text NOT NULL,
    member_id     text REFERENCES members(id),
    unit_id       text REFERENCES units(id),
    office_id     text REFERENCES offices(id),
    team_id       text REFERENCES teams(id),
    township_id   text REFERENCES townships(id),
    county_id     text REFERENCES counties(id),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens, stored as SHA-256 of the random token: a leaked table
-- gives no usable token.
CREATE TABLE tokens (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX tokens_user ON tokens (user_id);

-- Idempotency-Key: the same key from the same user returns the first result.
CREATE TABLE idempotency_keys (
    user_id    uuid NOT NULL,
    key        text NOT NULL,
    route      text NOT NULL,
    process_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key, route)
);
