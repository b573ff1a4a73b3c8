-- Page sessions: the cookie a person's browser holds, server-side so it can
-- be revoked. Only the SHA-256 of the cookie's value is stored. A session
-- ends when unused for the idle timeout (seen_at) or at expires_at,
-- whichever comes first.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);
