package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"zhucun/store"
)

func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		return errors.New("usage: zhucun user add|passwd --username U [flags]")
	}
	sub := args[0]
	cfg, fs, _ := parseConfig("user "+sub, nil)
	var u store.User
	fs.StringVar(&u.Username, "username", "", "login name")
	fs.StringVar(&u.Role, "role", "", "member, unit_head, township_committee, county_org_dept, county_bureau, city_org_dept, city_bureau or admin")
	fs.StringVar(&u.DisplayName, "display-name", "", "name shown to others")
	fs.StringVar(&u.MemberID, "member-id", "", "for a member")
	fs.StringVar(&u.UnitID, "unit-id", "", "for a unit head")
	fs.StringVar(&u.OfficeID, "office-id", "", "for an office")
	fs.StringVar(&u.TeamID, "team-id", "", "scope")
	fs.StringVar(&u.TownshipID, "township-id", "", "scope")
	fs.StringVar(&u.CountyID, "county-id", "", "scope")
	fs.BoolVar(&u.Principal, "principal", false, "for a unit head: the unit's principal (一把手), who signs absence explanations")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if u.Username == "" {
		return errors.New("--username is required")
	}
	// The password comes from stdin so it never shows in a process list or
	// shell history.
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	password := strings.TrimRight(line, "\r\n")
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	st := store.New(pool)
	if sub == "passwd" {
		if err := st.SetPassword(ctx, u.Username, password); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "password changed for", u.Username)
		return nil
	}
	if u.Role == "" || u.DisplayName == "" {
		return errors.New("--role and --display-name are required")
	}
	created, err := st.CreateUser(ctx, u, password)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "created user", created.Username, created.ID)
	return nil
}
