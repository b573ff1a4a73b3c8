package app

// ImportHint is what `serve` without --demo says first: the database
// holds no organisation until one is imported, and this is how.
const ImportHint = `zhucun starts without the demo: the organisation is yours to load.
  1. zhucun import template > 台账.xlsx            fill in 县区, 乡镇, 村, 派出单位, 工作队及队员
  2. zhucun import org 台账.xlsx --dry-run          check it: every problem by sheet, row and column
  3. zhucun import org 台账.xlsx                    load it (or upload it on the page /admin/import)
  4. zhucun accounts issue --county ID > 账号.xlsx  one-time passwords, to be changed at first login
  An administrator for the page: echo 你的密码 | zhucun user add --username admin --role admin --display-name 管理员
  (To try zhucun with a made-up organisation instead: zhucun serve --demo)
`
