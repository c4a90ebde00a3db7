package main

import (
	"flag"
	"fmt"
	"io"
	"time"
)

// storeConfig selects and opens the store.
type storeConfig struct {
	DBPath string // embedded store file
}

func (c *storeConfig) register(flags *flag.FlagSet, getenv func(string) string) {
	def := getenv("STANDORTATLAS_DB")
	if def == "" {
		def = "data/standortatlas.db"
	}
	flags.StringVar(&c.DBPath, "db", def, "embedded store file (env STANDORTATLAS_DB)")
}

type serveConfig struct {
	storeConfig
	Addr           string
	RequestTimeout time.Duration
	Seed           bool
}

func parseServeConfig(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	addr := getenv("STANDORTATLAS_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	flags.StringVar(&c.Addr, "addr", addr, "listen address (env STANDORTATLAS_ADDR)")
	flags.DurationVar(&c.RequestTimeout, "request-timeout", 15*time.Second, "upper bound of a request's work")
	flags.BoolVar(&c.Seed, "seed", true, "load the built-in seed data when the store has not been seeded with this version")
	if err := flags.Parse(args); err != nil {
		return c, err
	}
	if flags.NArg() > 0 {
		return c, fmt.Errorf("serve: unexpected argument %q", flags.Arg(0))
	}
	if c.RequestTimeout <= 0 {
		return c, fmt.Errorf("serve: -request-timeout must be positive")
	}
	return c, nil
}
