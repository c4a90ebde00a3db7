package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

const tokenUsage = `usage:
  standortatlas token create -name NAME -keys PREFIXES -indicators IDS [-scopes SCOPES]
      PREFIXES: regional-key prefixes the token may write, comma-separated ("09" = Bayern; "*" = all)
      IDS: indicator ids, prefixes ending in "*" ("rdb_*"), or "*"; the secret is printed once
      SCOPES: capabilities beyond writing observations, comma-separated:
        catalogue  create or change catalogue entries (title, definition, source, licence,
                   attribution, …) outside the token's own ids and prefixes
        admin      read the audit log, manage tokens
  standortatlas token list
  standortatlas token revoke ID
`

// cmdWriteSide dispatches the commands of the write side: token, release, audit.
func cmdWriteSide(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	switch args[0] {
	case "token":
		return cmdToken(ctx, args[1:], getenv, stdout, stderr)
	case "release":
		return cmdRelease(ctx, args[1:], getenv, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, args[1:], getenv, stdout, stderr)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func cmdToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, tokenUsage)
		return fmt.Errorf("token: create, list or revoke?")
	}
	var c storeConfig
	flags := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	name := flags.String("name", "", "who the token is for, e.g. \"Statistisches Landesamt Bayern\"")
	keys := flags.String("keys", "", "regional-key prefixes, comma-separated (\"*\" = all)")
	inds := flags.String("indicators", "", "indicator ids or prefixes ending in \"*\", comma-separated (\"*\" = all)")
	scopes := flags.String("scopes", "", "capabilities beyond writing observations, comma-separated: "+strings.Join(atlas.Scopes(), ", ")+" (default none)")
	pos, err := parseInterleaved(flags, args[1:])
	if err != nil {
		return err
	}
	store, ts, err := openStoreAs[atlas.TokenStore](ctx, c, "token")
	if err != nil {
		return err
	}
	defer store.Close()
	in := newIntake(store)
	actor := cliActor(getenv)
	switch args[0] {
	case "create":
		if len(pos) > 0 {
			return fmt.Errorf("token create: unexpected argument %q", pos[0])
		}
		t, secret, err := in.CreateToken(ctx, atlas.Token{Name: strings.TrimSpace(*name), Keys: splitList(*keys), Indicators: splitList(*inds), Scopes: splitList(*scopes)}, actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %d for %q (keys %s, indicators %s, scopes %s)\n", t.ID, t.Name, strings.Join(t.Keys, ","), strings.Join(t.Indicators, ","), scopeList(t))
		fmt.Fprintln(stdout, "secret (shown once; only its SHA-256 is stored):")
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		list, err := ts.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tKEYS\tINDICATORS\tSCOPES\tCREATED\tREVOKED")
		for _, t := range list {
			rev := "-"
			if t.RevokedAt != nil {
				rev = t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, strings.Join(t.Keys, ","), strings.Join(t.Indicators, ","), scopeList(t), t.CreatedAt.Format(time.RFC3339), rev)
		}
		return tw.Flush()
	case "revoke":
		if len(pos) != 1 {
			return fmt.Errorf("token revoke: the token's ID expected (see token list)")
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return fmt.Errorf("token revoke: %q is not a token id", pos[0])
		}
		if err := in.RevokeToken(ctx, id, actor); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %d revoked\n", id)
		return nil
	}
	fmt.Fprint(stderr, tokenUsage)
	return fmt.Errorf("token: unknown subcommand %q", args[0])
}

// scopeList shows a token's scopes ("-": none).
func scopeList(t atlas.Token) string {
	if len(t.Scopes) == 0 {
		return "-"
	}
	return strings.Join(t.Scopes, ",")
}

func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	flags := flag.NewFlagSet("audit", flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	limit := flags.Int("limit", 50, "newest entries to show (0 = all)")
	asJSON := flags.Bool("json", false, "JSON lines")
	if err := flags.Parse(args); err != nil {
		return err
	}
	store, as, err := openStoreAs[atlas.AuditStore](ctx, c, "audit")
	if err != nil {
		return err
	}
	defer store.Close()
	list, err := as.Audit(ctx, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, e := range list {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAT\tACTOR\tACTION\tOUTCOME\tRELEASE\tOBS\tFILE\tDETAIL")
	for _, e := range list {
		rel := "-"
		if e.Release > 0 {
			rel = strconv.FormatInt(e.Release, 10)
		}
		detail := e.Detail
		if i := strings.IndexByte(detail, '\n'); i >= 0 {
			detail = detail[:i] + " …"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", e.ID, e.At.Local().Format("2006-01-02 15:04:05"), e.Actor, e.Action, e.Outcome, rel, e.Observations, e.File, detail)
	}
	return tw.Flush()
}
