package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
)

const importUsage = `usage:
  standortatlas import boundaries -level land|kreis|vwg|gemeinde [-layer NAME] [-gebietsstand DD.MM.YYYY] [-name TEXT] [-attribution TEXT] FILE
      FILE: .shp (with .dbf/.prj/.cpg), .gpkg, .geojson, or a .zip of these (BKG downloads)
  standortatlas import table -spec SPEC.json [-dry-run] FILE
      SPEC: a table spec (see seeds/manifest.json "tables" for examples); indicators must be in the catalogue
  standortatlas import manifest [-dry-run] DIR/manifest.json
      a whole data set: indicator catalogue, boundary files and tables
`

func cmdImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, importUsage)
		return fmt.Errorf("import: what to import? boundaries, table or manifest")
	}
	var c storeConfig
	flags := flag.NewFlagSet("import "+args[0], flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	dry := flags.Bool("dry-run", false, "check the file and report, write nothing")
	switch args[0] {
	case "boundaries":
		var spec ingest.BoundarySpec
		level := flags.String("level", "", "level of the regions: land, kreis, vwg, gemeinde (required)")
		flags.StringVar(&spec.Layer, "layer", "", "layer inside a zip or GeoPackage")
		flags.StringVar(&spec.Gebietsstand, "gebietsstand", "", "territorial status date (default: latest WSK of the file)")
		flags.StringVar(&spec.Name, "name", "", "name of the boundary set (default: the file name)")
		flags.StringVar(&spec.KeyField, "key-field", "", "attribute holding the key (default AGS; ARS for vwg)")
		flags.StringVar(&spec.Licence, "licence", "dl-de/by-2-0", "licence of the boundaries")
		flags.StringVar(&spec.Attribution, "attribution", "© GeoBasis-DE / BKG, dl-de/by-2-0 (Daten verändert)", "attribution shown with every map")
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		if flags.NArg() != 1 {
			return fmt.Errorf("import boundaries: exactly one FILE expected")
		}
		lv, err := atlas.ParseLevel(*level)
		if err != nil {
			return fmt.Errorf("import boundaries: -level: %w", err)
		}
		spec.Level = lv
		abs, err := filepath.Abs(flags.Arg(0))
		if err != nil {
			return err
		}
		spec.File = filepath.Base(abs)
		if spec.Name == "" {
			spec.Name = spec.File
		}
		res, err := ingest.ReadBoundaries(os.DirFS(filepath.Dir(abs)), spec)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d regions of level %s, Gebietsstand %s, source CRS EPSG:%d\n", spec.File, len(res.Regions), lv, res.Set.Gebietsstand, res.Set.SourceSRID)
		for _, line := range res.Set.Report {
			fmt.Fprintln(stdout, "  note:", line)
		}
		if *dry {
			fmt.Fprintln(stdout, "dry run: nothing written")
			return nil
		}
		store, err := openStore(ctx, c)
		if err != nil {
			return err
		}
		defer store.Close()
		if err := store.ReplaceBoundaries(ctx, res.Set, res.Regions); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "written")
		return nil
	case "table":
		specFile := flags.String("spec", "", "table spec JSON (required)")
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		if flags.NArg() != 1 || *specFile == "" {
			return fmt.Errorf("import table: -spec SPEC.json and one FILE expected")
		}
		b, err := os.ReadFile(*specFile)
		if err != nil {
			return err
		}
		var spec ingest.TableSpec
		if err := json.Unmarshal(b, &spec); err != nil {
			return fmt.Errorf("%s: %w", *specFile, err)
		}
		abs, err := filepath.Abs(flags.Arg(0))
		if err != nil {
			return err
		}
		spec.File = filepath.Base(abs)
		m := &ingest.Manifest{Tables: []ingest.TableSpec{spec}}
		return importManifest(ctx, c, os.DirFS(filepath.Dir(abs)), m, *dry, stdout)
	case "manifest":
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		if flags.NArg() != 1 {
			return fmt.Errorf("import manifest: exactly one manifest file expected")
		}
		abs, err := filepath.Abs(flags.Arg(0))
		if err != nil {
			return err
		}
		fsys := os.DirFS(filepath.Dir(abs))
		m, err := ingest.ReadManifest(fsys, filepath.Base(abs))
		if err != nil {
			return err
		}
		return importManifest(ctx, c, fsys, m, *dry, stdout)
	}
	fmt.Fprint(stderr, importUsage)
	return fmt.Errorf("import: unknown kind %q", args[0])
}

func importManifest(ctx context.Context, c storeConfig, fsys fs.FS, m *ingest.Manifest, dry bool, stdout io.Writer) error {
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	progress := func(msg string) { fmt.Fprintln(stdout, msg) }
	plan, err := ingest.PrepareManifest(ctx, fsys, m, store, progress)
	if err != nil {
		return err
	}
	for _, line := range plan.Summary() {
		fmt.Fprintln(stdout, line)
	}
	if dry {
		fmt.Fprintln(stdout, "dry run: nothing written")
		return nil
	}
	res, err := plan.Write(ctx, store, progress)
	if err != nil {
		return err
	}
	for _, r := range res.Releases {
		fmt.Fprintf(stdout, "release %d: %s, %d observations\n", r.ID, r.File, r.Rows)
	}
	return nil
}
