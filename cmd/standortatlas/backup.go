package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

// cmdBackup writes a consistent copy of the embedded store while it may be in use.
func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		return fmt.Errorf("backup: works on the embedded store only; for PostGIS use pg_dump")
	}
	if flags.NArg() != 1 {
		return fmt.Errorf("backup: usage: standortatlas backup [-db FILE] OUT.db")
	}
	s, err := sqlitestore.Open(ctx, c.DBPath)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(ctx, flags.Arg(0)); err != nil {
		return err
	}
	if err := sqlitestore.Check(ctx, flags.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s written to %s and checked\n", c.DBPath, flags.Arg(0))
	return nil
}

// cmdRestore replaces the embedded store by a checked backup (server stopped).
func cmdRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	flags := flag.NewFlagSet("restore", flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		return fmt.Errorf("restore: works on the embedded store only; for PostGIS use pg_restore")
	}
	if flags.NArg() != 1 {
		return fmt.Errorf("restore: usage: standortatlas restore [-db FILE] BACKUP.db   (stop the server first)")
	}
	if err := sqlitestore.Restore(ctx, flags.Arg(0), c.DBPath); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s restored from %s (previous file kept as %s.before-restore)\n", c.DBPath, flags.Arg(0), c.DBPath)
	return nil
}
