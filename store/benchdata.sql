-- The synthetic national organisation and read model for `zhucun bench
-- scale`. Parameters: {{members}}, {{processes}}, {{big}} (members of county c0,
-- the big county), {{month}} (the report month, a quoted literal) and {{report}}
-- (the report's id, quoted).
-- Members are laid out in contiguous ranges: c0 holds the first {{big}}, every
-- other county 200; teams of 4, villages of one team, townships of 10 teams.

CREATE TEMP TABLE gen_members AS
SELECT n, 'm' || n AS id,
       CASE WHEN n <= {{big}} THEN 0 ELSE 1 + (n - {{big}} - 1) / 200 END AS c,
       (n - 1) / 4 AS team
FROM generate_series(1, {{members}}) n;

INSERT INTO cities VALUES ('bench', '基准市') ON CONFLICT DO NOTHING;
INSERT INTO counties (id, city_id, name)
SELECT DISTINCT 'c' || c, 'bench', '县' || c FROM gen_members;
INSERT INTO townships (id, county_id, name)
SELECT DISTINCT 'tw' || (team / 10), 'c' || c, '乡镇' || (team / 10) FROM gen_members;
INSERT INTO villages (id, township_id, name)
SELECT DISTINCT 'v' || team, 'tw' || (team / 10), '村' || team FROM gen_members;
INSERT INTO teams (id, village_id, name)
SELECT DISTINCT 't' || team, 'v' || team, '工作队' || team FROM gen_members;
INSERT INTO offices (id, role, name, city_id) VALUES
  ('bench-org', 'city_org_dept', '市委组织部', 'bench'), ('bench-bureau', 'city_bureau', '市乡村振兴局', 'bench');
INSERT INTO offices (id, role, name, city_id, county_id)
SELECT 'c' || c || '-' || r, CASE r WHEN 'org' THEN 'county_org_dept' ELSE 'county_bureau' END, '县' || c || r, 'bench', 'c' || c
FROM (SELECT DISTINCT c FROM gen_members) cs, (VALUES ('org'), ('bureau')) AS roles(r);
INSERT INTO offices (id, role, name, city_id, county_id, township_id)
SELECT DISTINCT 'tw' || (team / 10) || '-committee', 'township_committee', '党委', 'bench', 'c' || c, 'tw' || (team / 10)
FROM gen_members;
INSERT INTO units (id, name, level, city_id, county_id, head_name)
SELECT DISTINCT 'u' || c, '派出单位' || c, 'county', 'bench', 'c' || c, '负责人' || c FROM gen_members;
INSERT INTO members (id, name, unit_id, first_secretary)
SELECT id, '队员' || n, 'u' || c, n % 4 = 1 FROM gen_members;
INSERT INTO memberships (team_id, member_id, is_leader, from_date)
SELECT 't' || team, id, n % 4 = 1, DATE '2025-03-01' FROM gen_members;

-- Processes: 60% leave, 25% absence, 10% roster change, 5% monthly report;
-- 15% open, a third of those overdue; opened over the last year.
CREATE TEMP TABLE gen_processes AS
SELECT i, md5('bench' || i)::uuid AS id, m.id AS member_id, m.c, m.team,
       CASE WHEN i % 20 < 12 THEN 'leave' WHEN i % 20 < 17 THEN 'absence'
            WHEN i % 20 < 19 THEN 'roster_change' ELSE 'absence_report' END AS kind,
       i % 100 < 15 AS open, i % 100 < 5 AS overdue,
       now() - make_interval(hours => (i % 8760)) AS opened_at,
       now() + make_interval(hours => (i % 720) - 240) AS due_at
FROM generate_series(1, {{processes}}) i
JOIN gen_members m ON m.n = 1 + (i::bigint * 7919) % {{members}};

INSERT INTO processes (id, workflow_id, kind, subject, member_id, county_id, township_id, unit_id,
    status, step, waiting_on, due_at, overdue, opened_at, closed_at, version, steps, detail)
SELECT id, kind || '/' || id, kind, member_id, member_id, 'c' || c, 'tw' || (team / 10), 'u' || c,
    CASE WHEN open THEN 'pending' ELSE 'closed' END,
    CASE WHEN open THEN 'approval' ELSE '' END,
    CASE WHEN open THEN jsonb_build_array(jsonb_build_object('role', 'county_bureau', 'office_id', 'c' || c || '-bureau')) ELSE '[]' END,
    CASE WHEN open THEN due_at END, overdue, opened_at,
    CASE WHEN open THEN NULL ELSE opened_at + interval '3 days' END, 3,
    jsonb_build_array(jsonb_build_object('name', 'approval', 'opened_at', opened_at, 'due_at', due_at,
        'waiting_on', '[]'::jsonb, 'decisions', jsonb_build_array(jsonb_build_object('by', 'x', 'role', 'county_bureau',
        'decision', 'approve', 'comment', '同意', 'at', opened_at)))),
    jsonb_build_object('id', id, 'member_id', member_id, 'member_name', '队员', 'unit_id', 'u' || c,
        'unit_name', '派出单位' || c, 'team_id', 't' || team, 'team_name', '工作队' || team,
        'village_name', '村' || team, 'township_id', 'tw' || (team / 10), 'township_name', '乡镇' || (team / 10),
        'county_id', 'c' || c, 'found_at', opened_at, 'method', 'onsite', 'cycle_month', {{month}},
        'status', CASE WHEN open THEN 'awaiting_signature' ELSE 'signed' END,
        'explanations', jsonb_build_array(jsonb_build_object('text', repeat('情况说明', 20), 'written_at', opened_at)),
        'signed_by', CASE WHEN open THEN '' ELSE '负责人' || c END,
        'signed_at', CASE WHEN open THEN NULL ELSE opened_at + interval '1 day' END,
        'reason', repeat('事由', 30))
FROM gen_processes;

INSERT INTO process_waiting (process_id, party, step, due_at, escalated)
SELECT id, 'county_bureau:c' || c || '-bureau', 'approval', due_at, false FROM gen_processes WHERE open
UNION ALL
SELECT id, 'member:' || member_id, 'return', due_at, false FROM gen_processes WHERE open AND kind = 'leave';

-- The big county's monthly report lists every absence of c0.
INSERT INTO processes (id, workflow_id, kind, subject, county_id, status, step, waiting_on, opened_at, version, detail)
SELECT {{report}}::uuid, 'monthly-report/c0/' || {{month}}, 'absence_report', 'c0', 'c0', 'open', 'submission', '[]', now(), 1,
    jsonb_build_object('id', {{report}}, 'county_id', 'c0', 'county_name', '县0', 'month', {{month}}, 'status', 'open',
        'due_at', now(), 'items', COALESCE(jsonb_agg(jsonb_build_object('absence_id', id, 'member_id', member_id,
        'member_name', '队员', 'status', CASE WHEN open THEN 'missing' ELSE 'on_time' END,
        'absence_status', CASE WHEN open THEN 'awaiting_signature' ELSE 'signed' END)), '[]'), 'steps', '[]'::jsonb)
FROM gen_processes WHERE c = 0 AND kind = 'absence';

-- The side tables the board's monthly series read (issue 13): every
-- absence's row, one in seven explained late; every leave's period, a
-- few days from its opening, approved once closed.
INSERT INTO absences (process_id, member_id, unit_id, county_id, cycle_month, found_at, status, signed_at, late, overdue)
SELECT id, member_id, 'u' || c, 'c' || c, to_char(opened_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), opened_at,
    CASE WHEN open THEN 'awaiting_signature' ELSE 'signed' END,
    CASE WHEN open THEN NULL ELSE opened_at + interval '1 day' END, i % 7 = 0, overdue
FROM gen_processes WHERE kind = 'absence';
INSERT INTO leave_periods (process_id, member_id, start_date, end_date, status)
SELECT id, member_id, (opened_at AT TIME ZONE 'Asia/Shanghai')::date + 2,
    (opened_at AT TIME ZONE 'Asia/Shanghai')::date + 2 + (i % 10), CASE WHEN open THEN 'pending' ELSE 'approved' END
FROM gen_processes WHERE kind = 'leave';

ANALYZE;
