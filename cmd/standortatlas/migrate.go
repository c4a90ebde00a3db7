package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/standortatlas/standortatlas/atlas/pgstore"
)

// cmdMigrate applies the PostGIS schema migrations embedded in the binary.
func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("migrate", flag.ContinueOnError)
	flags.SetOutput(stderr)
	url := flags.String("database-url", getenv("DATABASE_URL"), "PostGIS database: postgres://user:password@host:5432/dbname (env DATABASE_URL)")
	dry := flags.Bool("dry-run", false, "list the pending migrations, apply nothing")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", flags.Arg(0))
	}
	if *url == "" {
		return fmt.Errorf("migrate: -database-url or DATABASE_URL is required (the embedded store needs no migrate)")
	}
	pool, err := pgstore.Connect(ctx, *url, pgstore.Options{})
	if err != nil {
		return err
	}
	defer pool.Close()
	name := pgstore.Redact(*url)
	if *dry {
		pending, err := pgstore.Pending(ctx, pool)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			fmt.Fprintf(stdout, "%s: schema up to date\n", name)
			return nil
		}
		fmt.Fprintf(stdout, "%s: pending %s\n", name, strings.Join(pending, ", "))
		return nil
	}
	applied, err := pgstore.Migrate(ctx, pool)
	for _, m := range applied {
		fmt.Fprintf(stdout, "applied %s\n", m)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "%s: schema up to date\n", name)
	}
	return nil
}
