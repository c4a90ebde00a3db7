package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/standortatlas/standortatlas/atlas"
)

const releaseUsage = `usage:
  standortatlas release list
  standortatlas release rollback N
      return observations and catalogue to their state right after release N:
      every later active release is undone (and stays listed as rolled back)
`

func cmdRelease(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, releaseUsage)
		return fmt.Errorf("release: list or rollback?")
	}
	var c storeConfig
	flags := flag.NewFlagSet("release "+args[0], flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	pos, err := parseInterleaved(flags, args[1:])
	if err != nil {
		return err
	}
	store, rs, err := openStoreAs[atlas.ReleaseStore](ctx, c, "release")
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "list":
		list, err := rs.Releases(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCREATED\tSOURCE\tFILE\tOBSERVATIONS\tREPLACED\tSTATE")
		for _, r := range list {
			state := "active"
			if !r.Active() {
				state = "rolled back " + r.RolledBackAt.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%s\n", r.ID, r.CreatedAt.Local().Format("2006-01-02 15:04:05"), r.Source, r.File, r.Rows, r.Replaced, state)
		}
		return tw.Flush()
	case "rollback":
		if len(pos) != 1 {
			return fmt.Errorf("release rollback: the release N to return to expected")
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return fmt.Errorf("release rollback: %q is not a release id", pos[0])
		}
		in := newIntake(store)
		undone, err := in.Rollback(ctx, id, cliActor(getenv))
		if err != nil {
			return err
		}
		if len(undone) == 0 {
			fmt.Fprintf(stdout, "release %d is the newest active release: nothing to undo\n", id)
			return nil
		}
		for _, r := range undone {
			fmt.Fprintf(stdout, "undone: release %d (%s, %d observations)\n", r.ID, r.File, r.Rows)
		}
		fmt.Fprintf(stdout, "the store is at release %d again\n", id)
		return nil
	}
	fmt.Fprint(stderr, releaseUsage)
	return fmt.Errorf("release: unknown subcommand %q", args[0])
}
