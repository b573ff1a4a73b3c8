-- Group robots (群机器人) per office, unit and team (issue 20, item 7): a
-- notice goes to the robot of its recipient's group, @-mentioning them,
-- or to the deployment's robot when the group has none.
--
-- The webhook URL carries the robot's access key and DingTalk's signing
-- secret must be read back in plaintext to sign each call, so neither can
-- be hashed like a password: both are sealed with AES-256-GCM under a data
-- key of keys.json (seal.SealText), bound to the robot's scope. A copy of
-- this table without keys.json reveals neither.
CREATE TABLE robots (
    scope      text NOT NULL CHECK (scope IN ('office','unit','team')),
    scope_id   text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('wecom','dingtalk')),
    url_sealed text NOT NULL,
    -- where the URL points, without its key: what people are shown
    url_host   text NOT NULL,
    secret_sealed text NOT NULL DEFAULT '',
    updated_by text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, scope_id)
);

-- The deadline of the step a notice is about (the snapshot's due time when
-- it was written): inside quiet hours a notice waits for the morning,
-- unless this expires before then.
ALTER TABLE outbox ADD COLUMN deadline timestamptz;
