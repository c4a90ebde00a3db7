package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas/pgstore"
)

// storeConfig selects and opens the store: PostGIS when DatabaseURL is set,
// else the embedded store file.
type storeConfig struct {
	DBPath string // embedded store file
	// DatabaseURL is a PostgreSQL/PostGIS connection string; when set, the
	// atlas uses PostGIS instead of DBPath.
	DatabaseURL string
	// Migrate applies pending schema migrations when the store is opened
	// (serve -migrate); otherwise a PostGIS schema must be up to date.
	Migrate bool
	// Create lets the command create a new embedded store file (serve and
	// seed, which fill it); other commands need an existing store, so that a
	// mistyped -db never writes into a new, empty store.
	Create bool
	// Init (import -init) allows an import into a new or empty store.
	Init bool
}

// registerInit adds -init to an import command.
func (c *storeConfig) registerInit(flags *flag.FlagSet) {
	flags.BoolVar(&c.Init, "init", false, "allow importing into a new or empty store (without it, an import needs an existing store with boundaries)")
}

func (c *storeConfig) register(flags *flag.FlagSet, getenv func(string) string) {
	def := getenv("STANDORTATLAS_DB")
	if def == "" {
		def = "data/standortatlas.db"
	}
	flags.StringVar(&c.DBPath, "db", def, "embedded store file (env STANDORTATLAS_DB)")
	flags.StringVar(&c.DatabaseURL, "database-url", getenv("DATABASE_URL"),
		"PostGIS instead of the embedded store: postgres://user:password@host:5432/dbname (env DATABASE_URL)")
}

// String describes the store for messages, without a password.
func (c storeConfig) String() string {
	if c.DatabaseURL != "" {
		return "PostGIS " + pgstore.Redact(c.DatabaseURL)
	}
	return "embedded " + c.DBPath
}

type serveConfig struct {
	storeConfig
	Addr           string
	RequestTimeout time.Duration
	TileCacheMB    int
	MemoryLimitMB  int
	GCPercent      int
	Seed           bool
	// UpdateEvery runs `standortatlas update` in the background (0: never).
	UpdateEvery time.Duration
	// TrustedProxies are the reverse proxies whose forwarding headers
	// (X-Forwarded-For, -Proto, -Host, …) are believed.
	TrustedProxies []*net.IPNet
}

func parseServeConfig(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	c.Create = true
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	addr := getenv("STANDORTATLAS_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	flags.StringVar(&c.Addr, "addr", addr, "listen address (env STANDORTATLAS_ADDR)")
	flags.DurationVar(&c.RequestTimeout, "request-timeout", 15*time.Second, "upper bound of a request's work")
	flags.IntVar(&c.TileCacheMB, "tile-cache-mb", 64, "memory for cached vector tiles (gzipped, and the uncompressed copies made for clients without gzip), in MB (0: the tiles package's default)")
	flags.IntVar(&c.MemoryLimitMB, "memory-limit-mb", 450, "soft memory limit of the Go runtime in MB: the garbage collector works harder near it (0: none)")
	flags.IntVar(&c.GCPercent, "gc-percent", 40, "heap growth between garbage collections in percent of the live heap (as GOGC; 0: the runtime's, GOGC or 100): 40 keeps the resident memory near 1.4 times what the atlas holds (about 140 MB after start on all four levels with the default tile cache) without the continuous collections of a tight memory limit")
	flags.BoolVar(&c.Seed, "seed", true, "load the built-in seed data when the store has not been seeded with this version")
	flags.DurationVar(&c.UpdateEvery, "update-every", envDuration(getenv, "STANDORTATLAS_UPDATE_EVERY"), "check the registered GENESIS tables this often and import what changed, e.g. 24h (env STANDORTATLAS_UPDATE_EVERY; 0: never); credentials from the environment (see standortatlas fetch -h)")
	flags.BoolVar(&c.Migrate, "migrate", true, "with -database-url: apply pending schema migrations at start (-migrate=false: refuse to start on an old schema)")
	proxies := flags.String("trusted-proxies", getenv("STANDORTATLAS_TRUSTED_PROXIES"), "reverse proxies whose X-Forwarded-For/-Proto/-Host headers name the client and the URL it used, as CIDR or address, comma-separated, e.g. 10.0.0.0/8,127.0.0.1 (env STANDORTATLAS_TRUSTED_PROXIES; default none: the TCP peer is the client)")
	if err := flags.Parse(args); err != nil {
		return c, err
	}
	if flags.NArg() > 0 {
		return c, fmt.Errorf("serve: unexpected argument %q", flags.Arg(0))
	}
	var err error
	if c.TrustedProxies, err = parseCIDRs(*proxies); err != nil {
		return c, fmt.Errorf("serve: -trusted-proxies: %w", err)
	}
	if c.TileCacheMB < 0 {
		return c, fmt.Errorf("serve: -tile-cache-mb must not be negative")
	}
	if c.RequestTimeout <= 0 {
		return c, fmt.Errorf("serve: -request-timeout must be positive")
	}
	if c.UpdateEvery != 0 && c.UpdateEvery < time.Minute {
		return c, fmt.Errorf("serve: -update-every (STANDORTATLAS_UPDATE_EVERY) must be a duration of at least 1m, e.g. 24h, or 0")
	}
	return c, nil
}

// parseCIDRs reads a comma-separated list of CIDRs or single addresses (a
// /32 or /128).
func parseCIDRs(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("%q is neither an IP address nor a CIDR", f)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR", f)
		}
		out = append(out, n)
	}
	return out, nil
}
