package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/genesis"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/update"
)

const fetchUsage = `usage:
  standortatlas fetch genesis [flags] TABLE
      download TABLE (e.g. 12531-0043) from a GENESIS web service as flat CSV and import it
      through the normal import path (validation, release, audit); the table is registered,
      so "standortatlas update" fetches it again and imports it when it changed.
      -source destatis|regionalstatistik|URL  the database (default destatis; URL: another
                               GENESIS REST interface, https://…/genesisWS/rest/2020/)
      -level land|kreis|vwg|gemeinde or -regionalvariable KREISE   regional level
      -regionalkey 09*         only these regions    -years 2023 | 2015-2023
      -classifying VAR=KEY,KEY only these categories (repeatable, up to 3)
      -compress                let the service leave out empty rows (off: "-" stays a zero)
      -id ID                   source id of the releases (default genesis_<table>)
      -ffcsv-sum VARS -ffcsv-split VAR -ffcsv-total CATS [-ffcsv-categories CATS] [-ffcsv-filter VAR=CAT]
      -map CAT=INDICATOR [-only-mapped] [-period YYYY] [-merge OLD=NEW] [-crosswalk-method ID=sum|mean]
                               how the flat file's variables combine (as for "import ffcsv")
      -dry-run                 download and check, write nothing    -no-register  do not register
      -job-timeout 30m         how long to wait for a background job (large tables)
  Credentials (the service answers registered users only; registration is free):
      env GENESIS_<SOURCE>_TOKEN, or GENESIS_<SOURCE>_USERNAME and GENESIS_<SOURCE>_PASSWORD
      (SOURCE: DESTATIS, REGIONALSTATISTIK, or the host in capitals with "_" for other
      characters), or GENESIS_TOKEN / GENESIS_USERNAME and GENESIS_PASSWORD for any source;
      flags -genesis-token, -genesis-user, -genesis-password override them (prefer the
      environment: flags show in the process list). An API token reads only: tables that the
      service delivers as background jobs need the username and password.
`

// registration says where to register for a built-in source.
var registration = map[string]string{
	"destatis":          "https://www-genesis.destatis.de/datenbank/online#modal=register",
	"regionalstatistik": "https://www.regionalstatistik.de/genesis/online?Menu=Registrierung",
}

// genesisAccess holds how to reach GENESIS installations: credentials
// from flags or the environment, and the patience for background jobs.
type genesisAccess struct {
	getenv                func(string) string
	user, password, token string
	jobTimeout, pollEvery time.Duration
}

// register adds the credential flags (with flags false: environment only,
// as for serve).
func (a *genesisAccess) register(flags *flag.FlagSet, getenv func(string) string, withFlags bool) {
	a.getenv = getenv
	if withFlags {
		flags.StringVar(&a.user, "genesis-user", "", "GENESIS username or e-mail (default: env GENESIS_<SOURCE>_USERNAME, GENESIS_USERNAME)")
		flags.StringVar(&a.password, "genesis-password", "", "GENESIS password (default: env GENESIS_<SOURCE>_PASSWORD, GENESIS_PASSWORD)")
		flags.StringVar(&a.token, "genesis-token", "", "GENESIS API token instead of username and password (default: env GENESIS_<SOURCE>_TOKEN, GENESIS_TOKEN)")
		flags.DurationVar(&a.jobTimeout, "job-timeout", 30*time.Minute, "how long to wait for a background job of the service")
	}
	a.pollEvery = 5 * time.Second
}

// envPrefix is GENESIS_DESTATIS, GENESIS_REGIONALSTATISTIK or
// GENESIS_<HOST> for another installation.
func envPrefix(src genesis.Source) string {
	var b strings.Builder
	b.WriteString("GENESIS_")
	for _, r := range strings.ToUpper(src.Name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// credentials finds the credentials for src: flags, then the source's
// environment variables, then the general ones.
func (a *genesisAccess) credentials(src genesis.Source) (genesis.Credentials, error) {
	p := envPrefix(src)
	pick := func(flag string, names ...string) string {
		if flag != "" {
			return flag
		}
		for _, n := range names {
			if v := a.getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	token := pick(a.token, p+"_TOKEN", "GENESIS_TOKEN")
	user := pick(a.user, p+"_USERNAME", "GENESIS_USERNAME")
	pw := pick(a.password, p+"_PASSWORD", "GENESIS_PASSWORD")
	switch {
	case user != "" && pw != "":
		return genesis.Credentials{Username: user, Password: pw}, nil
	case token != "":
		return genesis.Credentials{Username: token}, nil
	case user != "":
		return genesis.Credentials{}, fmt.Errorf("%s (%s): %w: a username without a password (set %s_PASSWORD or GENESIS_PASSWORD; for an API token use %s_TOKEN)", src.Name, src.BaseURL, genesis.ErrNoCredentials, p, p)
	}
	hint := fmt.Sprintf("set %s_TOKEN or GENESIS_TOKEN (an API token: reads only, no background jobs), or %s_USERNAME and %s_PASSWORD (or GENESIS_USERNAME and GENESIS_PASSWORD), or the flags -genesis-token / -genesis-user with -genesis-password", p, p, p)
	if reg, ok := registration[src.Name]; ok {
		hint += "; registration is free: " + reg
	}
	return genesis.Credentials{}, fmt.Errorf("%s (%s): %w: %s; nothing was fetched, everything else works without it", src.Name, src.BaseURL, genesis.ErrNoCredentials, hint)
}

// client returns a client for src with its credentials.
func (a *genesisAccess) client(progress func(string)) func(genesis.Source) (*genesis.Client, error) {
	return func(src genesis.Source) (*genesis.Client, error) {
		creds, err := a.credentials(src)
		if err != nil {
			return nil, err
		}
		return &genesis.Client{Source: src, Credentials: creds, PollEvery: a.pollEvery, JobTimeout: a.jobTimeout, Progress: progress,
			UserAgent: "standortatlas/" + version}, nil
	}
}

// importFetched is the one place where fetched tables enter the import
// path (ingest.Intake: validation, release, audit, "already imported").
func importFetched(store atlas.Store, progress ingest.Progress) update.ImportFunc {
	in := newIntake(store)
	in.Progress = progress
	return in.Import
}

// newRunner builds the update runner of a command or the server.
func newRunner(store atlas.Store, access *genesisAccess, actor string, progress func(string)) *update.Runner {
	return &update.Runner{Store: store, Import: importFetched(store, nil), Client: access.client(progress), Actor: actor, Progress: progress}
}

// cliRunner opens the store of a command and builds its runner, which
// reports its steps on stderr; closeStore closes the store.
func cliRunner(ctx context.Context, c storeConfig, access *genesisAccess, getenv func(string) string, stderr io.Writer) (r *update.Runner, closeStore func() error, err error) {
	store, err := openImportStore(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	progress := func(msg string) { fmt.Fprintln(stderr, msg) }
	return newRunner(store, access, cliActor(getenv), progress), store.Close, nil
}

func cmdFetch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "genesis" {
		fmt.Fprint(stderr, fetchUsage)
		return fmt.Errorf("fetch: from where? genesis")
	}
	var c storeConfig
	var access genesisAccess
	flags := flag.NewFlagSet("fetch genesis", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, fetchUsage) }
	c.register(flags, getenv)
	c.registerInit(flags)
	access.register(flags, getenv, true)
	var g ingest.GenesisSource
	flags.StringVar(&g.Source, "source", "destatis", "destatis, regionalstatistik, or the base URL of a GENESIS REST interface")
	flags.StringVar(&g.Level, "level", "", "regional level: land, kreis, vwg, gemeinde")
	flags.StringVar(&g.RegionalVariable, "regionalvariable", "", "regional variable (e.g. KREISE) instead of -level")
	flags.StringVar(&g.RegionalKey, "regionalkey", "", "only these regional keys (comma-separated, * as wildcard: 09*)")
	flags.StringVar(&g.Years, "years", "", "2023 or 2015-2023 (default: all the table has)")
	var classifying listFlag
	flags.Var(&classifying, "classifying", "VARIABLE=KEY,KEY: only these categories (repeatable, up to 3)")
	flags.BoolVar(&g.Compress, "compress", false, "let the service leave out empty rows")
	id := flags.String("id", "", "source id of the releases (default genesis_<table>)")
	options := registerFileOptions(flags, "id", "sheet", "crosswalk-year")
	dry := flags.Bool("dry-run", false, "download and check, write nothing")
	noRegister := flags.Bool("no-register", false, "do not register the table for standortatlas update")
	pos, err := parseInterleaved(flags, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprint(stderr, fetchUsage)
		return fmt.Errorf("fetch genesis: exactly one TABLE expected (e.g. 12531-0043)")
	}
	g.Table, g.Classifying = pos[0], classifying
	src := update.Source{ID: *id, Genesis: g, Options: options()}
	if src.ID == "" {
		src.ID = update.DefaultID(g.Table)
	}
	if err := src.Validate(); err != nil {
		return fmt.Errorf("fetch genesis: %w", err)
	}
	r, closeStore, err := cliRunner(ctx, c, &access, getenv, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	res, err := r.Fetch(ctx, src, update.FetchOptions{DryRun: *dry, Register: !*noRegister})
	if err != nil {
		return fmt.Errorf("fetch genesis %s: %w", g.Table, err)
	}
	printFetch(stdout, res, *dry)
	switch {
	case *dry:
	case *noRegister:
		fmt.Fprintf(stdout, "not registered (-no-register): standortatlas update will not fetch it again\n")
	default:
		fmt.Fprintf(stdout, "registered as %s: standortatlas update fetches it again and imports it when it changed\n", src.ID)
	}
	return nil
}

// printFetch reports one fetch.
func printFetch(w io.Writer, res update.Result, dry bool) {
	c := res.Check
	job := ""
	if res.Job != "" {
		job = ", background job " + res.Job
	}
	fmt.Fprintf(w, "%s: table %s from %s (%s): %s, %.1f MB%s\n", c.ID, c.Table, c.Source, c.URL, res.File, float64(res.Bytes)/1e6, job)
	for _, line := range res.Import.Summary {
		fmt.Fprintln(w, "  "+line)
	}
	switch {
	case dry:
		fmt.Fprintf(w, "dry run: nothing written (%d observations of %d indicator(s) checked)\n", res.Import.Observations, len(res.Import.Indicators))
	case c.Outcome == atlas.UpdateUnchanged:
		fmt.Fprintf(w, "unchanged: the content equals release %d (already imported); checked %s\n", res.Import.Release.ID, c.CheckedAt.Local().Format("2006-01-02 15:04"))
	default:
		fmt.Fprintf(w, "new: release %d, %d observations of %d indicator(s): %s\n", res.Import.Release.ID, res.Import.Observations, len(res.Import.Indicators), strings.Join(res.Import.Indicators, ", "))
		for _, line := range c.Changes {
			fmt.Fprintln(w, "  "+line)
		}
	}
}
