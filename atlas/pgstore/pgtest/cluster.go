package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a throwaway PostgreSQL cluster with PostGIS in template1, so
// that every database created in it has PostGIS.
type Cluster struct {
	// URL is a superuser connection to the cluster's postgres database.
	URL    string
	dir    string
	bin    string
	prefix []string // runs a command as the cluster's owner
}

// StartCluster creates and starts a cluster with the system's initdb and
// pg_ctl (found on PATH, links followed, or in /usr/lib/postgresql/*/bin,
// newest first) in a
// new temporary directory, listening on 127.0.0.1 on a free port, with
// durability off (fsync, synchronous_commit, full_page_writes) for speed.
// As root it runs them as the user postgres (initdb refuses root). Clusters
// left behind by killed test processes are removed first.
func StartCluster(ctx context.Context) (*Cluster, error) {
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	if err := checkPostGIS(ctx, bin); err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	var owner *user.User
	if os.Geteuid() == 0 {
		if owner, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root, initdb needs the user postgres: %w", err)
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return nil, fmt.Errorf("running as root, runuser is needed to run initdb as postgres: %w", err)
		}
		c.prefix = []string{runuser, "-u", "postgres", "--"}
	}
	removeStale(ctx, c)
	if c.dir, err = os.MkdirTemp("", "standortatlas-pg-"); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(c.dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		c.remove()
		return nil, err
	}
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			c.remove()
			return nil, err
		}
	}
	if err := c.run(ctx, "initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"); err != nil {
		c.remove()
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err == nil {
			err = c.start(ctx, port)
		}
		if err == nil {
			c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
			break
		}
		if attempt == 2 || ctx.Err() != nil {
			c.remove()
			return nil, err
		}
	}
	if err := c.installPostGIS(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) start(ctx context.Context, port int) error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, c.dir)
	return c.run(ctx, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o", opts, "start")
}

func (c *Cluster) installPostGIS(ctx context.Context) error {
	u := strings.Replace(c.URL, "/postgres?", "/template1?", 1)
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return fmt.Errorf("connect to the test cluster: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE EXTENSION postgis"); err != nil {
		return fmt.Errorf("create extension postgis in the test cluster: %w", err)
	}
	return nil
}

// Stop stops the cluster at once and removes its directory.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
	if rerr := c.remove(); err == nil {
		err = rerr
	}
	return err
}

func (c *Cluster) remove() error { return os.RemoveAll(c.dir) }

// run runs a PostgreSQL program of the cluster's version as its owner.
func (c *Cluster) run(ctx context.Context, prog string, args ...string) error {
	argv := append(append(append([]string(nil), c.prefix...), filepath.Join(c.bin, prog)), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = os.TempDir() // readable by the postgres user
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// findBinDir returns the directory of initdb and pg_ctl.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil { // e.g. /usr/local/bin/initdb → /usr/lib/postgresql/15/bin
			p = real
		}
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("initdb not found on PATH or in /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)")
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// checkPostGIS reports whether the PostGIS extension is installed for the
// server in bin.
func checkPostGIS(ctx context.Context, bin string) error {
	out, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_config"), "--sharedir").Output()
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(bin, "pg_config"), err)
	}
	control := filepath.Join(strings.TrimSpace(string(out)), "extension", "postgis.control")
	if _, err := os.Stat(control); err != nil {
		major := versionOf(bin)
		return fmt.Errorf("PostGIS is not installed for the PostgreSQL server in %s (no %s; Debian: apt-get install postgresql-%d-postgis-3, or run .ci/install-postgis.sh)", bin, control, major)
	}
	return nil
}

// removeStale stops and removes clusters whose test process has gone.
func removeStale(ctx context.Context, c *Cluster) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "standortatlas-pg-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			continue
		}
		stale := &Cluster{dir: dir, bin: c.bin, prefix: c.prefix}
		_ = stale.run(ctx, "pg_ctl", "-D", stale.data(), "-m", "immediate", "-w", "stop")
		_ = stale.remove()
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
