package main

// zhucun import (template, org) and zhucun accounts (issue, reset,
// disable): a real county's first day, from the command line.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"zhucun/actions"
	"zhucun/app"
	"zhucun/orgimport"
	"zhucun/policy"
	"zhucun/store"
)

// cliUser is who the command line acts as: the administrator of the
// machine it runs on.
var cliUser = store.User{ID: uuid.Nil, Username: "zhucun-cli", DisplayName: "命令行", Role: policy.RoleAdmin}

func importCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "template" {
		if f, ok := stdout.(*os.File); ok && orgimport.IsTerminal(f) {
			return errors.New("the template is a workbook: redirect it, e.g. zhucun import template > 台账.xlsx")
		}
		return orgimport.WriteTemplate(stdout)
	}
	if len(args) == 0 || args[0] != "org" {
		return errors.New("usage: zhucun import template > 台账.xlsx | zhucun import org FILE.xlsx [--dry-run]")
	}
	// FILE first (zhucun import org F.xlsx --dry-run), or after the flags.
	rest, file := args[1:], ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	var cfg app.Config
	fs := flag.NewFlagSet("import org", flag.ContinueOnError)
	cfg.Flags(fs)
	dry := fs.Bool("dry-run", false, "check and say what would change; write nothing")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" {
		return errors.New("usage: zhucun import org FILE.xlsx [--dry-run]")
	}
	dryRun := *dry
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	var tc client.Client
	if !dryRun {
		tc = dialTemporal(cfg.TemporalAddress, cfg.EmbeddedAddr)
		if tc != nil {
			defer tc.Close()
		}
	}
	act := actions.New(actions.Config{Pool: pool, Temporal: tc, Namespace: cfg.Namespace})
	meter := orgimport.NewMeter(os.Stderr, orgimport.IsTerminal(os.Stderr), 0)
	rep, err := act.ImportOrg(ctx, cliUser, file, f, dryRun, meter.Rows)
	if err != nil {
		if e, ok := actions.Explain(err); ok {
			return errors.New(e.Message + fieldText(e.Fields))
		}
		return err
	}
	meter.Step("完成")
	printReport(stdout, rep)
	if !rep.OK() {
		return fmt.Errorf("台账有 %d 处问题，没有写入任何数据", len(rep.Problems)+rep.More)
	}
	return nil
}

func fieldText(fields map[string]string) string {
	var s []string
	for _, m := range fields {
		s = append(s, m)
	}
	if len(s) == 0 {
		return ""
	}
	return "：" + strings.Join(s, "；")
}

// dialTemporal reaches the running server's Temporal, if there is one, to
// open roster changes through their workflow; nil if none answers.
func dialTemporal(external, embedded string) client.Client {
	addr := external
	if addr == "" {
		addr = embedded
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: addr, Logger: quietLogger{}})
	if err != nil {
		return nil
	}
	return c
}

// quietLogger keeps the SDK's connection chatter off the terminal.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

func printReport(w io.Writer, rep actions.ImportReport) {
	if !rep.OK() {
		fmt.Fprintf(w, "台账有问题，没有写入任何数据：\n")
		for _, p := range rep.Problems {
			fmt.Fprintln(w, "  "+p.String())
		}
		if rep.More > 0 {
			fmt.Fprintf(w, "  另有 %d 处问题未列出\n", rep.More)
		}
		return
	}
	if rep.DryRun {
		fmt.Fprintln(w, "检查通过（--dry-run：没有写入）。导入将：")
	} else {
		fmt.Fprintln(w, "已导入：")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "类别\t新建\t修改\t不变")
	for _, c := range rep.Counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", c.Kind, c.Created, c.Updated, c.Unchanged)
	}
	tw.Flush()
	names := map[string]string{"join": "入队", "leave": "离队", "leader": "任队长", "replace": "替换"}
	if len(rep.Changes) > 0 {
		fmt.Fprintf(w, "人员变动 %d 项（动态备案，由县级乡村振兴部门发起）：\n", len(rep.Changes))
	}
	for i, c := range rep.Changes {
		if i == 200 {
			fmt.Fprintf(w, "  ……另有 %d 项\n", len(rep.Changes)-i)
			break
		}
		later := ""
		if c.Deferred {
			later = "（待前一变动备案后再次导入）"
		}
		fmt.Fprintf(w, "  %s：%s（%s）%s，%s起%s\n", c.TeamName, c.MemberName, c.MemberID, names[c.Change], c.EffectiveOn, later)
	}
	for _, o := range rep.Opened {
		if o.Error != "" {
			fmt.Fprintf(w, "  未能发起 %s %s：%s\n", o.TeamName, o.MemberName, o.Error)
		}
	}
	if len(rep.Taken) > 0 {
		fmt.Fprintf(w, "账号名已被占用，未创建：%s\n", strings.Join(rep.Taken, "、"))
	}
	if !rep.DryRun {
		fmt.Fprintln(w, "领取新账号的一次性密码：zhucun accounts issue --county 县区编号 > 账号.xlsx")
	}
}

func accountsCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: zhucun accounts issue [--county ID | --city | --all] > accounts.xlsx | reset --username U | disable --username U")
	}
	sub := args[0]
	var cfg app.Config
	fs := flag.NewFlagSet("accounts "+sub, flag.ContinueOnError)
	cfg.Flags(fs)
	county := fs.String("county", "", "issue the accounts of this county (its members, offices, townships, county units)")
	city := fs.Bool("city", false, "issue the city-level accounts (city offices, city units' heads)")
	all := fs.Bool("all", false, "issue every account not issued yet")
	username := fs.String("username", "", "the account to reset or disable")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	act := actions.New(actions.Config{Pool: pool})
	switch sub {
	case "issue":
		if *county == "" && !*city && !*all {
			return errors.New("say whose accounts: --county ID, --city or --all")
		}
		if f, ok := stdout.(*os.File); ok && orgimport.IsTerminal(f) {
			return errors.New("the accounts sheet is a workbook: redirect it, e.g. zhucun accounts issue --county ID > accounts.xlsx")
		}
		scope := store.IssueScope{All: *all, CityLevel: *city}
		if *county != "" {
			scope.Counties = []string{*county}
		}
		accounts, err := act.IssueAccounts(ctx, cliUser, scope)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%d 个账号的一次性密码已写出；它们只出现这一次，首次登录须修改\n", len(accounts))
		return orgimport.WriteAccounts(stdout, accounts)
	case "reset":
		res, err := act.ResetPassword(ctx, cliUser, actions.AccountRequest{Username: *username})
		if err != nil {
			return explained(err)
		}
		fmt.Fprintf(stdout, "%s 的一次性密码：%s（下次登录须修改）\n", res.Username, res.Password)
		return nil
	case "disable":
		if err := act.DisableAccount(ctx, cliUser, actions.AccountRequest{Username: *username}); err != nil {
			return explained(err)
		}
		fmt.Fprintf(stdout, "%s 已停用\n", *username)
		return nil
	}
	return fmt.Errorf("unknown accounts command %q", sub)
}

func explained(err error) error {
	if e, ok := actions.Explain(err); ok {
		return errors.New(e.Message + fieldText(e.Fields))
	}
	return err
}
