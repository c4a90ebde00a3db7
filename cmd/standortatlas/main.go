// Command standortatlas runs the Standortatlas: the web atlas and API
// (serve), data imports (import), and maintenance commands.
//
//	standortatlas serve [-addr :8080] [-db data/standortatlas.db | -database-url postgres://… [-migrate=false]]
//	standortatlas migrate -database-url postgres://… [-dry-run]
//	standortatlas import boundaries -level kreis [-layer NAME] [-gebietsstand DD.MM.YYYY] FILE
//	standortatlas import manifest DIR/manifest.json
//	standortatlas seed [-force]
//	standortatlas version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "standortatlas: %v\n", err)
		os.Exit(1)
	}
}

const usage = `usage: standortatlas <command> [flags]

commands:
  serve      run the atlas web app and API (default store: embedded, seeded on first start)
  import     import data: genesis|inkar|ffcsv|canonical|gv|ks|auto FILE | boundaries FILE | places FILE | manifest FILE | table -spec SPEC FILE
  fetch      fetch genesis TABLE: download a table from a GENESIS web service and import it
  update     fetch the registered GENESIS tables again, import what changed | update list | remove ID
  export     export pmtiles -level kreis [-minzoom 0 -maxzoom 12] OUT.pmtiles (vector tiles for static hosting)
  prebuild   store the tiles' zoom pyramid with boundaries written before it was stored (older stores)
  places     moderate places: places list [-status pending] | publish ID | withdraw ID
  release    list releases, roll back to one: release list | release rollback N
  token      write tokens of the ingest API: token create | list | revoke ID
  audit      show the audit log of writes
  seed       (re)load the built-in seed data into the store
  migrate    create or update the PostGIS schema (-database-url or DATABASE_URL)
  backup     write a consistent copy of the embedded store (while it runs)
  restore    replace the embedded store by a checked backup (server stopped)
  version    print the version
Run "standortatlas <command> -h" for the flags of a command.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		return cmdImport(ctx, args[1:], getenv, stdout, stderr)
	case "fetch":
		return cmdFetch(ctx, args[1:], getenv, stdout, stderr)
	case "update":
		return cmdUpdate(ctx, args[1:], getenv, stdout, stderr)
	case "token", "release", "audit":
		return cmdWriteSide(ctx, args, getenv, stdout, stderr)
	case "places":
		return cmdPlaces(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "seed":
		return cmdSeed(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return cmdExport(ctx, args[1:], getenv, stdout, stderr)
	case "prebuild":
		return cmdPrebuild(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, args[1:], getenv, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, args[1:], getenv, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "standortatlas", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
