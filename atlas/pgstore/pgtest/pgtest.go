// Package pgtest gives tests a real PostgreSQL/PostGIS database.
//
// A package that needs one calls Main from its TestMain and NewDB in each
// test:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.NewDB(t) // a fresh database with PostGIS, dropped after the test
//		…
//	}
//
// The server is the one named by STANDORTATLAS_TEST_DATABASE_URL (a
// superuser's connection string, e.g. postgres://postgres@127.0.0.1:5432/postgres)
// or, when that is unset, a throwaway cluster that Main creates with the
// system's initdb and pg_ctl in a temporary directory on a free port (fsync
// off) and removes after the package's tests. (A package without Main gets a
// throwaway cluster per test that needs one.) Without either, NewDB skips the
// test with the reason, or fails it when CI=true or
// STANDORTATLAS_REQUIRE_DB=1.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable with the server tests use.
const EnvURL = "STANDORTATLAS_TEST_DATABASE_URL"

// envUnavailable carries, from Main to NewDB, why no server could be started.
const envUnavailable = "STANDORTATLAS_TEST_DATABASE_UNAVAILABLE"

// Main runs m with a PostGIS server for NewDB: the one named by EnvURL, or a
// throwaway cluster that it starts before and stops after the tests (and
// names in EnvURL for them, and for processes they start). It returns the
// exit code for os.Exit.
func Main(m *testing.M) int {
	if os.Getenv(EnvURL) != "" || os.Getenv(envUnavailable) != "" { // set, or inherited from a parent test process
		return m.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c, err := StartCluster(ctx)
	cancel()
	if err != nil {
		os.Setenv(envUnavailable, err.Error())
		return m.Run()
	}
	os.Setenv(EnvURL, c.URL)
	code := m.Run()
	os.Unsetenv(EnvURL)
	if err := c.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Required reports whether tests must fail rather than skip without a
// database: in CI (CI=true) or with STANDORTATLAS_REQUIRE_DB=1.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("STANDORTATLAS_REQUIRE_DB") == "1"
}

// unavailable skips the test, or fails it where a database is required.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := "no PostGIS for this test: " + fmt.Sprintf(format, args...)
	if Required() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// ServerURL returns the URL of the test server (a superuser connection):
// the one of EnvURL or Main's cluster; in a package without Main, a
// throwaway cluster for this test alone (about 3 s), stopped when it ends.
// Without any, it skips or fails the test as NewDB does.
func ServerURL(t testing.TB) string {
	t.Helper()
	if admin := os.Getenv(EnvURL); admin != "" {
		return admin
	}
	reason := os.Getenv(envUnavailable)
	if reason == "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		c, err := StartCluster(ctx)
		cancel()
		if err == nil {
			t.Cleanup(func() {
				if err := c.Stop(); err != nil {
					t.Errorf("stop test cluster: %v", err)
				}
			})
			return c.URL
		}
		reason = err.Error()
	}
	unavailable(t, "%s is unset and no throwaway cluster could be started: %s", EnvURL, reason)
	return ""
}

// NewDB creates an empty database with PostGIS on the test server for this
// test, drops it (closing its connections) when the test ends, and returns
// its connection string.
func NewDB(t testing.TB) string {
	t.Helper()
	admin := ServerURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to the test server (%s): %v", EnvURL, err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "t_" + hex.EncodeToString(b[:])
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	dbURL, err := withDatabase(admin, name)
	if err != nil {
		t.Fatal(err)
	}
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect to test database: %v", err)
	}
	defer db.Close(ctx)
	// A throwaway cluster has PostGIS in template1 already.
	if _, err := db.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		unavailable(t, "the server at %s has no PostGIS (Debian: apt-get install postgresql-15-postgis-3, see .ci/install-postgis.sh): %v", redact(admin), err)
	}
	return dbURL
}

// withDatabase returns the connection string u with the database name replaced.
func withDatabase(u, name string) (string, error) {
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		p, err := url.Parse(u)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", EnvURL, err)
		}
		p.Path = "/" + name
		p.RawPath = ""
		return p.String(), nil
	}
	return u + " dbname=" + name, nil // key=value form: the last setting wins
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return EnvURL
	}
	if p.User == nil {
		return u
	}
	if _, ok := p.User.Password(); ok {
		p.User = url.UserPassword(p.User.Username(), "xxxxx")
	}
	return p.String()
}
