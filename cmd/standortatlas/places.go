package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/placeimport"
)

// importPlaces imports a CSV or GeoJSON file of places as one source
// (replacing that source's earlier places) and recounts the per-region
// indicators.
func importPlaces(ctx context.Context, c *storeConfig, flags *flag.FlagSet, args []string, dry *bool, getenv func(string) string, stdout io.Writer) error {
	var spec placeimport.Spec
	c.registerInit(flags)
	flags.StringVar(&spec.Source.ID, "source", "", "source id (required; re-importing the same id replaces its places)")
	flags.StringVar(&spec.Source.Title, "title", "", "title of the source")
	flags.StringVar(&spec.Category, "category", "", "category of rows without a category column: "+categoryIDs())
	flags.StringVar(&spec.Source.Licence, "licence", "", "licence of the data (required)")
	flags.StringVar(&spec.Source.Attribution, "attribution", "", "attribution shown with the places (required)")
	flags.StringVar(&spec.Source.Date, "date", "", "date of the data (YYYY-MM-DD)")
	coverage := flags.String("coverage", "", "key prefixes the source covers completely (e.g. 09162,09184); empty: all of Germany")
	flags.StringVar(&spec.Status, "status", atlas.PlacePublished, "published or pending")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() != 1 || spec.Source.ID == "" {
		return fmt.Errorf("import places: usage: standortatlas import places -source ID -category CAT -licence L -attribution A [-coverage 09162,09184] FILE")
	}
	if *coverage != "" {
		spec.Source.Coverage = strings.Split(*coverage, ",")
	}
	if spec.Category != "" {
		spec.Source.Categories = []string{spec.Category}
	}
	if spec.Source.Title == "" {
		spec.Source.Title = spec.Source.ID
	}
	abs, err := filepath.Abs(flags.Arg(0))
	if err != nil {
		return err
	}
	spec.File = filepath.Base(abs)
	data, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	store, err := openImportStore(ctx, *c)
	if err != nil {
		return err
	}
	defer store.Close()
	in := newIntake(store)
	res, err := in.ImportPlaces(ctx, spec.File, data, spec, cliActor(getenv), *dry)
	if err != nil {
		return err
	}
	if *dry {
		fmt.Fprintf(stdout, "%s: %d places would be imported\n", spec.File, res.Places)
	} else {
		fmt.Fprintf(stdout, "%s: %d places of source %s imported (release %d)\n", spec.File, res.Places, spec.Source.ID, res.Release.ID)
	}
	for _, line := range res.Report {
		fmt.Fprintln(stdout, "  note:", line)
	}
	if *dry {
		fmt.Fprintln(stdout, "dry run: nothing written")
	}
	return nil
}

func categoryIDs() string {
	var ids []string
	for _, c := range atlas.Categories() {
		ids = append(ids, c.ID)
	}
	return strings.Join(ids, ", ")
}

// cmdPlaces lists places and moderates submissions.
func cmdPlaces(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "places: usage: standortatlas places list [-status pending|published] | publish ID | withdraw ID"
	if len(args) == 0 {
		return fmt.Errorf("%s", usage)
	}
	var c storeConfig
	flags := flag.NewFlagSet("places "+args[0], flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	status := flags.String("status", atlas.PlacePending, "places list: which status")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	store, ps, err := openStoreAs[atlas.PlaceStore](ctx, c, "places")
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "list":
		list, err := ps.Places(ctx, atlas.PlaceQuery{Status: *status})
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	case "publish", "withdraw":
		if flags.NArg() != 1 {
			return fmt.Errorf("%s", usage)
		}
		st := atlas.PlacePublished
		if args[0] == "withdraw" {
			st = atlas.PlacePending
		}
		in := newIntake(store)
		rel, report, err := in.SetPlaceStatus(ctx, flags.Arg(0), st, cliActor(getenv))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "place %s is now %s (release %d)\n", flags.Arg(0), st, rel.ID)
		for _, line := range report {
			fmt.Fprintln(stdout, "  note:", line)
		}
		return nil
	}
	return fmt.Errorf("%s", usage)
}
