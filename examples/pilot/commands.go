package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
)

// command is one of the pilot's commands: parse reads its own arguments,
// run does it on the open pilot, and offline, for a command that needs no
// database, does it instead.
type command struct {
	parse   func(args []string, stderr io.Writer) ([]string, error)
	run     func(ctx context.Context, app *pilot.App, args []string, stdout io.Writer) error
	offline func(args []string, stdout io.Writer) error
}

// commands are the pilot's commands by name; serve is run by run itself.
var commands = map[string]command{
	"serve":  {parse: noArgs},
	"seed":   {parse: noArgs, run: seed},
	"verify": {parse: noArgs, run: verify},
	"backup": {parse: backupArgs, run: backup},
	"init":   {parse: initArgs, run: initRoster},
	"roster-template": {parse: exactly(1, "the file to write, e.g. 花名册模板.xlsx"), offline: func(args []string, stdout io.Writer) error {
		return writeTemplate(args[0], stdout)
	}},
	"password": {parse: exactly(1, "the member's ID, e.g. gc-duty-1"), run: resetPassword},
	"token":    {parse: tokenArgs, run: issueToken},
	"tokens":   {parse: tokensArgs, run: tokens},
}

func noArgs(args []string, _ io.Writer) ([]string, error) {
	if len(args) > 0 {
		return nil, errors.New("takes no arguments")
	}
	return nil, nil
}

func exactly(n int, what string) func([]string, io.Writer) ([]string, error) {
	return func(args []string, _ io.Writer) ([]string, error) {
		if len(args) != n {
			return nil, fmt.Errorf("takes %d argument: %s", n, what)
		}
		return args, nil
	}
}

func seed(ctx context.Context, app *pilot.App, _ []string, stdout io.Writer) error {
	if app.Demo() {
		fmt.Fprintln(stdout, "the demo township is loaded; nothing done")
		return nil
	}
	if err := app.LoadDemo(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "the demo township is loaded")
	return nil
}

func verify(ctx context.Context, app *pilot.App, _ []string, stdout io.Writer) error {
	checked, broken, err := app.VerifyAll(ctx)
	if err != nil {
		return err
	}
	for _, b := range broken {
		fmt.Fprintf(stdout, "BROKEN %s %s: %v\n", b.Kind, b.ID, b.Err)
	}
	fmt.Fprintf(stdout, "checked %d timelines: %d intact, %d broken\n", checked, checked-len(broken), len(broken))
	if len(broken) > 0 {
		return fmt.Errorf("%d timelines are broken", len(broken))
	}
	return nil
}

// backup copies the database, as it stands when the copy begins, to a new
// file, and then the attached files to a directory, while the pilot may go
// on serving.
func backup(ctx context.Context, app *pilot.App, args []string, stdout io.Writer) error {
	start, out, filesDir := time.Now(), args[0], args[1]
	if err := app.DB.Backup(ctx, out); err != nil {
		return err
	}
	info, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up the database to %s (%d bytes in %.1f s)\n", out, info.Size(), time.Since(start).Seconds())
	start = time.Now()
	n, size, err := app.BackupFiles(ctx, filesDir)
	if err != nil {
		return fmt.Errorf("back up the attached files: %w", err)
	}
	fmt.Fprintf(stdout, "backed up %d attached files to %s (%d bytes in %.1f s)\n", n, filesDir, size, time.Since(start).Seconds())
	fmt.Fprintf(stdout, "both are readable by you alone; check them with: pilot -db %s -files %s verify\n", out, filesDir)
	return nil
}

// backupArgs reads backup's arguments: the new file to copy the database
// to, and the directory to copy the attached files to, by default the
// file's name with ".files" after it.
func backupArgs(args []string, _ io.Writer) ([]string, error) {
	switch len(args) {
	case 1:
		return []string{args[0], args[0] + ".files"}, nil
	case 2:
		return args, nil
	}
	return nil, errors.New("takes 1 or 2 arguments: the new file to copy the database to, e.g. pilot-20261201.db, and the directory to copy the attached files to (by default that file's name and .files)")
}

// initArgs reads init's flags: the roster, and where the one-time
// passwords go.
func initArgs(args []string, stderr io.Writer) ([]string, error) {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("roster", "", "the township's roster, an .xlsx or .csv `file` (required)")
	out := fs.String("passwords", "one-time-passwords.csv", "the `file` the members' one-time passwords are written to; it must not exist")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *file == "" || fs.NArg() > 0 {
		return nil, errors.New("usage: pilot init -roster FILE [-passwords FILE]")
	}
	return []string{*file, *out}, nil
}

// initRoster sets the township up from its roster file and writes its
// members' one-time passwords to a file only the operator may read.
func initRoster(ctx context.Context, app *pilot.App, args []string, stdout io.Writer) error {
	file, out := args[0], args[1]
	if !app.NeedsSetup() {
		return errors.New("a township is set up already: change it on the grid's administration pages (/admin)")
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	tree, members, err := roster.Check(f, app.Grid.Directory().Tree().Titles())
	if err != nil {
		var ps *roster.Problems
		if errors.As(err, &ps) {
			for _, p := range ps.List {
				fmt.Fprintln(stdout, p.String())
			}
			return fmt.Errorf("%s has %d problems; nothing was imported", file, len(ps.List))
		}
		return err
	}
	// The file is made before the township, so that passwords are never
	// issued with nowhere to keep them.
	w, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("the one-time passwords' file: %w", err)
	}
	otps, err := app.SetUp(ctx, tree, members)
	if err != nil {
		w.Close()
		os.Remove(out)
		return err
	}
	if err := writePasswords(w, tree, members, otps); err != nil {
		w.Close()
		return fmt.Errorf("write %s: %w (give each member a new one with the password command)", out, err)
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is set up: %d cells, %d members.\n", tree.Roots()[0].Name, tree.Len(), len(members))
	fmt.Fprintf(stdout, "Their one-time passwords are in %s, readable by you alone: hand each to its member, then delete the file.\n", out)
	return nil
}

// writePasswords writes the members' one-time passwords as CSV in UTF-8
// with a byte-order mark, as Excel opens it.
func writePasswords(w io.Writer, tree *grid.Tree, members []grid.Member, otps map[string]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	c := csv.NewWriter(w)
	c.Write([]string{"账号", "姓名", "岗位", "一次性密码"})
	for _, m := range members {
		var posts []string
		for _, p := range m.Posts {
			cell, _ := tree.Cell(p.Cell.Cell())
			posts = append(posts, cell.Name+p.Role.Title())
		}
		c.Write([]string{string(m.ID), m.Name, strings.Join(posts, "；"), otps[string(m.ID)]})
	}
	c.Flush()
	return c.Error()
}

func writeTemplate(file string, stdout io.Writer) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if err := roster.WriteTemplate(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the empty roster to %s: fill it in, then run pilot init -roster %s\n", file, file)
	return nil
}

func resetPassword(ctx context.Context, app *pilot.App, args []string, stdout io.Writer) error {
	otp, err := app.ResetPassword(ctx, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n\nthe one-time password of %s, shown only this once: they sign in with it and choose their own\n", otp, args[0])
	return nil
}

// tokenArgs reads the token command's flags and member.
func tokenArgs(args []string, stderr io.Writer) ([]string, error) {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	label := fs.String("label", "", "what the token is for, shown in the token lists")
	ttl := fs.Duration("ttl", 0, "how long the token is valid; 0 is 90 days")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		return nil, errors.New("usage: pilot token [-label TEXT] [-ttl DURATION] MEMBER")
	}
	return []string{fs.Arg(0), *label, ttl.String()}, nil
}

func issueToken(ctx context.Context, app *pilot.App, args []string, stdout io.Writer) error {
	ttl, _ := time.ParseDuration(args[2])
	tok, info, err := app.IssueToken(ctx, args[0], args[1], ttl)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n\nuse it as: Authorization: Bearer <token>; it is shown only this once. Token %s expires %s.\n", tok, info.ID, info.Expires.Format(time.RFC3339))
	return nil
}

func tokensArgs(args []string, _ io.Writer) ([]string, error) {
	switch {
	case len(args) >= 1 && args[0] == "list" && len(args) <= 2,
		len(args) == 2 && args[0] == "revoke":
		return args, nil
	}
	return nil, errors.New("usage: pilot tokens list [MEMBER] | pilot tokens revoke ID")
}

func tokens(ctx context.Context, app *pilot.App, args []string, stdout io.Writer) error {
	if args[0] == "revoke" {
		if err := app.Accounts.RevokeToken(ctx, args[1]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %s is revoked\n", args[1])
		return nil
	}
	var list []accounts.Token
	if len(args) == 2 {
		ts, err := app.Accounts.Tokens(ctx, args[1])
		if err != nil {
			return err
		}
		list = ts
	} else {
		for _, t := range app.Grid.Directory().Townships() {
			ts, err := app.Accounts.TownshipTokens(ctx, string(t.ID))
			if err != nil {
				return err
			}
			list = append(list, ts...)
		}
	}
	fmt.Fprintf(stdout, "%-16s  %-20s  %-20s  %-20s  %s\n", "ID", "MEMBER", "EXPIRES", "LAST USED", "LABEL")
	for _, t := range list {
		last := "-"
		if !t.LastUsed.IsZero() {
			last = t.LastUsed.Format(time.RFC3339)
		}
		fmt.Fprintf(stdout, "%-16s  %-20s  %-20s  %-20s  %s\n", t.ID, t.Member, t.Expires.Format(time.RFC3339), last, t.Label)
	}
	return nil
}
