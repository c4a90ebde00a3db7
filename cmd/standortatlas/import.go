package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
)

const importUsage = `usage:
  standortatlas import FORMAT [flags] FILE
      FORMAT: genesis (raw GENESIS/Regionaldatenbank CSV), inkar (raw INKAR export),
              ffcsv (GENESIS flat CSV or its zip), canonical (the data standard, CSV or JSON),
              gv (Gemeindeverzeichnis xlsx), ks (Königsteiner Schlüssel CSV),
              deutschlandatlas (Deutschlandatlas data workbook xlsx, all sheets or -sheet NAME), auto (detect)
      -dry-run                 check and report, write nothing
      -force                   import even when this file was imported the same way before
      -map COL=INDICATOR       map a value column (number or header; ffcsv: category code, "" = total)
                               to an indicator of the catalogue (repeatable)
      -only-mapped             import only the mapped columns
      -period YYYY             period when the file has no date (a date in the file beats it:
                               a contradicting -period is refused)
      -category LABEL          tables with category columns (sex, type of care): import only this
                               category (default: one indicator per category)
      -catalogue FILE          indicator catalogue (JSON or CSV) for canonical CSV
      -crosswalk FILE -crosswalk-year Y
                               recode keys of 31.12.Y with a BBSR Umsteigeschlüssel xlsx (Kreise) or a
                               Destatis Gebietsänderungen list (xls/xlsx, the changes of year Y+1)
      -merge OLD=NEW           a Kreis merger after the crosswalk (repeatable), e.g. 16056=16063
      -crosswalk-method ID=sum|mean
      -ffcsv-sum VARS -ffcsv-split VAR -ffcsv-total CATS [-ffcsv-categories CATS] [-ffcsv-filter VAR=CAT]
                               how a flat file's variables combine (see atlas/ingest/DATA-STANDARD.md)
  standortatlas import table -spec SPEC.json [-dry-run] [-force] [-crosswalk FILE -crosswalk-year Y] [-merge OLD=NEW] FILE
      SPEC: a table spec (see seeds/manifest.json "tables" for examples); indicators must be in the catalogue
  standortatlas import manifest [-dry-run] [-force] [-replace-all] DIR/manifest.json
      a whole data set: indicator catalogue, boundary files and tables
  standortatlas import boundaries -level land|kreis|vwg|gemeinde [-replace-all] [-layer NAME] [-gebietsstand DD.MM.YYYY] [-name TEXT] [-attribution TEXT] FILE
      FILE: .shp (with .dbf/.prj/.cpg), .gpkg, .geojson, or a .zip of these (BKG downloads)
Every import is checked completely first and written as one numbered release, all or nothing;
"standortatlas release list|rollback N" lists and undoes releases.
`

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseInterleaved parses flags that may follow the positional arguments
// ("import genesis FILE -map 12=x").
func parseInterleaved(flags *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		if flags.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, flags.Arg(0))
		args = flags.Args()[1:]
	}
}

// cliActor names the user of the command line in the audit log.
func cliActor(getenv func(string) string) string {
	u := getenv("USER")
	if u == "" {
		u = getenv("USERNAME")
	}
	if u == "" {
		u = osUser()
	}
	return "cli:" + u
}

// osUser is the name of the user running the command, from the operating
// system (a service or cron job often has no USER); "unknown" when even
// that fails.
func osUser() string {
	cur, err := user.Current()
	switch {
	case err != nil:
		return "unknown"
	case cur.Username != "":
		return cur.Username
	}
	return "uid " + cur.Uid
}

func cmdImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, importUsage)
		return fmt.Errorf("import: what to import? %s, auto, table, manifest or boundaries", strings.Join(ingest.Formats(), ", "))
	}
	var c storeConfig
	flags := flag.NewFlagSet("import "+args[0], flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	dry := flags.Bool("dry-run", false, "check the file and report, write nothing")
	kind := args[0]
	switch kind {
	case "boundaries":
		return importBoundaries(ctx, &c, flags, args[1:], dry, getenv, stdout, stderr)
	case "places":
		return importPlaces(ctx, &c, flags, args[1:], dry, getenv, stdout)
	case "table", "manifest":
		return importTableOrManifest(ctx, &c, flags, kind, args[1:], dry, getenv, stdout, stderr)
	}
	return importFile(ctx, &c, flags, kind, args[1:], dry, getenv, stdout, stderr)
}

// importTableOrManifest runs `import table -spec SPEC FILE` and `import manifest FILE`.
func importTableOrManifest(ctx context.Context, c *storeConfig, flags *flag.FlagSet, kind string, args []string, dry *bool, getenv func(string) string, stdout, stderr io.Writer) error {
	c.registerInit(flags)
	force := flags.Bool("force", false, "import tables even when they were imported the same way before")
	replaceAll := flags.Bool("replace-all", false, "import manifest: confirm boundary files that remove more regions of a level than a territorial reform (more than 2 %, at least 5)")
	specFile := flags.String("spec", "", "table spec JSON (import table)")
	crosswalk := flags.String("crosswalk", "", "import table: crosswalk (BBSR Umsteigeschlüssel xlsx or Destatis Gebietsänderungen xls/xlsx)")
	crosswalkYear := flags.Int("crosswalk-year", 0, "import table: Gebietsstand year (31.12.) of the file's Kreis keys")
	var merges listFlag
	flags.Var(&merges, "merge", "import table: OLD=NEW Kreis merger after the crosswalk (repeatable)")
	pos, err := parseInterleaved(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("import %s: exactly one FILE expected", kind)
	}
	abs, err := filepath.Abs(pos[0])
	if err != nil {
		return err
	}
	var fsys fs.FS = os.DirFS(filepath.Dir(abs))
	var m *ingest.Manifest
	if kind == "table" {
		if *specFile == "" {
			return fmt.Errorf("import table: -spec SPEC.json required")
		}
		if m, fsys, err = tableManifest(*specFile, abs, *crosswalk, *crosswalkYear, merges); err != nil {
			return err
		}
	} else if m, err = ingest.ReadManifest(fsys, filepath.Base(abs)); err != nil {
		return err
	}
	return importManifest(ctx, *c, fsys, m, ingest.ManifestRequest{DryRun: *dry, Force: *force, ReplaceAll: *replaceAll, Actor: cliActor(getenv)}, stdout, stderr)
}

// importFile runs `import FORMAT FILE` (a format-aware reader, or auto).
func importFile(ctx context.Context, c *storeConfig, flags *flag.FlagSet, format string, args []string, dry *bool, getenv func(string) string, stdout, stderr io.Writer) error {
	if format != "auto" && !contains(ingest.Formats(), format) {
		fmt.Fprint(stderr, importUsage)
		return fmt.Errorf("import: unknown kind %q", format)
	}
	c.registerInit(flags)
	force := flags.Bool("force", false, "import even when this file was imported the same way before")
	catalogue := flags.String("catalogue", "", "indicator catalogue file for canonical CSV")
	crosswalk := flags.String("crosswalk", "", "crosswalk (BBSR Umsteigeschlüssel xlsx or Destatis Gebietsänderungen xls/xlsx) to recode old Kreis keys")
	noBar := flags.Bool("no-progress", false, "no progress bar")
	values := registerFileOptions(flags)
	pos, err := parseInterleaved(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("import %s: exactly one FILE expected", format)
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	req := atlas.ImportRequest{Format: format, Name: filepath.Base(pos[0]), Data: data, DryRun: *dry, Force: *force, Actor: cliActor(getenv), Options: values()}
	if *catalogue != "" {
		if req.Catalogue, err = os.ReadFile(*catalogue); err != nil {
			return err
		}
	}
	if *crosswalk != "" {
		if req.Crosswalk, err = os.ReadFile(*crosswalk); err != nil {
			return err
		}
		req.CrosswalkName = filepath.Base(*crosswalk)
	}
	store, err := openImportStore(ctx, *c)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := newRowBar(stderr, !*noBar)
	defer bar.finish()
	in := newIntake(store)
	in.Progress, in.Rows = func(msg string) { bar.pause(); fmt.Fprintln(stdout, msg) }, bar.rows
	start := time.Now()
	res, err := in.Import(ctx, req)
	bar.finish()
	if err != nil {
		return err
	}
	printImport(stdout, res, time.Since(start))
	return nil
}

// fileOptions are the flags of `import FORMAT FILE` and `fetch genesis`
// that pass on as intake options (ingest.SpecFromOptions): the one list
// of them, so that both commands read a flat file the same way.
var fileOptions = []struct {
	flag, option, usage string
	kind                optionKind
}{
	{"map", "map", "COL=INDICATOR: map a value column (ffcsv: category code, \"\" or \"total\" = total) to a catalogue indicator (repeatable)", repeated},
	{"only-mapped", "only_mapped", "import only the mapped columns or categories", boolean},
	{"period", "period", "period (year) when the file has none; a contradicting one is refused", single},
	{"sheet", "sheet", "xlsx sheet", single},
	{"category", "category", "GENESIS table with category columns: import only this category", single},
	{"id", "id", "source id of the release (default: derived from format and file name)", single},
	{"crosswalk-year", "crosswalk_year", "Gebietsstand year (31.12.) of the file's Kreis keys", single},
	{"merge", "merge", "OLD=NEW: Kreis merger after the crosswalk (repeatable)", repeated},
	{"crosswalk-method", "crosswalk_method", "INDICATOR=sum|mean|sum:area|mean:area (repeatable)", repeated},
	{"ffcsv-sum", "ffcsv_sum", "ffcsv: variables to sum over (comma-separated)", single},
	{"ffcsv-split", "ffcsv_split", "ffcsv: variable whose categories become indicators", single},
	{"ffcsv-total", "ffcsv_total", "ffcsv: top-level categories of the split variable that make the total", single},
	{"ffcsv-categories", "ffcsv_categories", "ffcsv: further categories imported as indicators", single},
	{"ffcsv-filter", "ffcsv_filter", "ffcsv: VARIABLE=CATEGORY to keep (repeatable)", repeated},
}

// optionKind is how an option flag takes its value.
type optionKind int

const (
	single   optionKind = iota // -flag VALUE
	repeated                   // -flag VALUE, repeatable
	boolean                    // -flag
)

// registerFileOptions registers the option flags except those named in
// skip; the function returned lists the given ones as "name=value".
func registerFileOptions(flags *flag.FlagSet, skip ...string) func() []string {
	lists := make([]*listFlag, len(fileOptions))
	strs := make([]*string, len(fileOptions))
	bools := make([]*bool, len(fileOptions))
	for i, o := range fileOptions {
		switch {
		case contains(skip, o.flag):
		case o.kind == repeated:
			lists[i] = &listFlag{}
			flags.Var(lists[i], o.flag, o.usage)
		case o.kind == boolean:
			bools[i] = flags.Bool(o.flag, false, o.usage)
		default:
			strs[i] = flags.String(o.flag, "", o.usage)
		}
	}
	return func() []string {
		var out []string
		for i, o := range fileOptions {
			switch {
			case lists[i] != nil:
				for _, v := range *lists[i] {
					out = append(out, o.option+"="+v)
				}
			case bools[i] != nil && *bools[i]:
				out = append(out, o.option+"=true")
			case strs[i] != nil && *strs[i] != "":
				out = append(out, o.option+"="+*strs[i])
			}
		}
		return out
	}
}

func printImport(stdout io.Writer, res atlas.ImportResult, took time.Duration) {
	for _, line := range res.Summary {
		fmt.Fprintln(stdout, line)
	}
	switch {
	case res.DryRun:
		fmt.Fprintf(stdout, "dry run: nothing written (%d observations checked in %s)\n", res.Observations, took.Round(time.Millisecond))
	case res.Unchanged:
		fmt.Fprintf(stdout, "unchanged: already imported as release %d\n", res.Release.ID)
	default:
		fmt.Fprintf(stdout, "release %d: %s, %d observations of %d indicator(s) in %s\n", res.Release.ID, res.Release.File, res.Release.Rows, len(res.Indicators), took.Round(time.Millisecond))
	}
}

// fileMap is a file system of named files on disk (a table and its
// crosswalk from different directories).
type fileMap map[string]string

// Open implements fs.FS.
func (m fileMap) Open(name string) (fs.File, error) {
	p, ok := m[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return os.Open(p)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// tableManifest builds the manifest of `import table`: the spec (which may
// carry catalogue entries, "indicators") and the file, with an optional
// crosswalk under the user's file name.
func tableManifest(specFile, abs, crosswalk string, year int, merges []string) (*ingest.Manifest, fs.FS, error) {
	b, err := os.ReadFile(specFile)
	if err != nil {
		return nil, nil, err
	}
	spec, inds, err := ingest.ReadTableSpec(specFile, b)
	if err != nil {
		return nil, nil, err
	}
	spec.File = filepath.Base(abs)
	files := fileMap{spec.File: abs}
	if crosswalk != "" || len(merges) > 0 || year != 0 {
		spec.Crosswalk = &ingest.CrosswalkSpec{Year: year, Merge: merges}
		if crosswalk != "" {
			cw, err := filepath.Abs(crosswalk)
			if err != nil {
				return nil, nil, err
			}
			spec.Crosswalk.File = filepath.Base(cw)
			if spec.Crosswalk.File == spec.File {
				spec.Crosswalk.File = "crosswalk-" + spec.Crosswalk.File
			}
			files[spec.Crosswalk.File] = cw
		}
	}
	if err := spec.Validate(); err != nil {
		return nil, nil, err
	}
	return &ingest.Manifest{Indicators: inds, Tables: []ingest.TableSpec{spec}}, files, nil
}

func importBoundaries(ctx context.Context, c *storeConfig, flags *flag.FlagSet, args []string, dry *bool, getenv func(string) string, stdout, stderr io.Writer) error {
	var spec ingest.BoundarySpec
	c.registerInit(flags)
	force := flags.Bool("force", false, "write the boundaries even when these files were imported the same way before")
	replaceAll := flags.Bool("replace-all", false, "confirm a boundary file that removes more regions of the level than a territorial reform (more than 2 %, at least 5); the report lists them")
	level := flags.String("level", "", "level of the regions: land, kreis, vwg, gemeinde (required)")
	flags.StringVar(&spec.Layer, "layer", "", "layer inside a zip or GeoPackage")
	flags.StringVar(&spec.Gebietsstand, "gebietsstand", "", "territorial status date (default: latest WSK of the file)")
	flags.StringVar(&spec.Name, "name", "", "name of the boundary set (default: the file name)")
	flags.StringVar(&spec.KeyField, "key-field", "", "attribute holding the key (default AGS; ARS for vwg)")
	flags.StringVar(&spec.Licence, "licence", "dl-de/by-2-0", "licence of the boundaries")
	flags.StringVar(&spec.Attribution, "attribution", "© GeoBasis-DE / BKG, dl-de/by-2-0 (Daten verändert)", "attribution shown with every map")
	pos, err := parseInterleaved(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("import boundaries: exactly one FILE expected")
	}
	lv, err := atlas.ParseLevel(*level)
	if err != nil {
		return fmt.Errorf("import boundaries: -level: %w", err)
	}
	spec.Level = lv
	abs, err := filepath.Abs(pos[0])
	if err != nil {
		return err
	}
	spec.File = filepath.Base(abs)
	if spec.Name == "" {
		spec.Name = spec.File
	}
	m := &ingest.Manifest{Boundaries: []ingest.BoundarySpec{spec}}
	return importManifest(ctx, *c, os.DirFS(filepath.Dir(abs)), m, ingest.ManifestRequest{DryRun: *dry, Force: *force, ReplaceAll: *replaceAll, Actor: cliActor(getenv)}, stdout, stderr)
}

// importManifest imports a manifest (tables, boundaries or both) through
// the intake: one release and one audit entry per file.
func importManifest(ctx context.Context, c storeConfig, fsys fs.FS, m *ingest.Manifest, req ingest.ManifestRequest, stdout, stderr io.Writer) error {
	store, err := openImportStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := newRowBar(stderr, true)
	defer bar.finish()
	in := newIntake(store)
	in.Progress, in.Rows = func(msg string) { bar.pause(); fmt.Fprintln(stdout, msg) }, bar.rows
	res, err := in.ImportManifest(ctx, fsys, m, req)
	bar.finish()
	if res != nil {
		for _, line := range res.Summary {
			fmt.Fprintln(stdout, line)
		}
	}
	if err != nil {
		return err
	}
	if req.DryRun {
		fmt.Fprintln(stdout, "dry run: nothing written")
		return nil
	}
	for _, r := range res.Releases {
		fmt.Fprintf(stdout, "release %d: %s, %d observations%s\n", r.ID, r.File, r.Rows, partsSuffix(r.Parts))
	}
	for _, r := range res.Unchanged {
		fmt.Fprintf(stdout, "unchanged: %s already imported as release %d\n", r.File, r.ID)
	}
	return nil
}

func partsSuffix(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}
