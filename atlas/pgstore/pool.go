package pgstore

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configure the connection pool. Zero values select the defaults.
type Options struct {
	// MaxConns bounds the pool (default: pool_max_conns of the URL if given,
	// else 4 × GOMAXPROCS).
	MaxConns int32
	// StatementTimeout is the server-side statement_timeout of every
	// connection (default: statement_timeout of the URL if given, else 10 s).
	// A request's context cancels its query earlier.
	StatementTimeout time.Duration
	// WriteTimeout replaces StatementTimeout inside the transactions of
	// ReplaceBoundaries and Import, which copy whole boundary sets and tables
	// (default 5 min).
	WriteTimeout time.Duration
	// ApplicationName is shown in pg_stat_activity (default "standortatlas").
	ApplicationName string
}

func (o Options) writeTimeout() time.Duration {
	if o.WriteTimeout > 0 {
		return o.WriteTimeout
	}
	return 5 * time.Minute
}

// Connect opens a connection pool to the database at databaseURL
// (postgres://user:password@host:port/dbname?… or a key=value DSN; the PG*
// environment variables fill in what it leaves out) and checks that the
// server answers.
func Connect(ctx context.Context, databaseURL string, opts Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err) // pgx redacts the password
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !strings.Contains(databaseURL, "pool_max_conns"):
		cfg.MaxConns = int32(4 * runtime.GOMAXPROCS(0))
	}
	params := cfg.ConnConfig.RuntimeParams
	if opts.StatementTimeout > 0 || params["statement_timeout"] == "" {
		st := opts.StatementTimeout
		if st <= 0 {
			st = 10 * time.Second
		}
		params["statement_timeout"] = strconv.FormatInt(st.Milliseconds(), 10)
	}
	if opts.ApplicationName != "" {
		params["application_name"] = opts.ApplicationName
	} else if params["application_name"] == "" {
		params["application_name"] = "standortatlas"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", Redact(databaseURL), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", Redact(databaseURL), err)
	}
	return pool, nil
}

// Redact returns databaseURL with its password replaced by "xxxxx", for logs
// and messages.
func Redact(databaseURL string) string {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return "(unparsable database url)"
	}
	c := cfg.ConnConfig
	user := c.User
	if c.Password != "" {
		user += ":xxxxx"
	}
	if user != "" {
		user += "@"
	}
	if strings.HasPrefix(c.Host, "/") { // unix socket directory
		return fmt.Sprintf("postgres://%s/%s?host=%s&port=%d", user, c.Database, c.Host, c.Port)
	}
	host := c.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return fmt.Sprintf("postgres://%s%s:%d/%s", user, host, c.Port, c.Database)
}
