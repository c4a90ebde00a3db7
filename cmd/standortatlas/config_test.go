package main

import (
	"io"
	"os/user"
	"strings"
	"testing"
)

// serve -trusted-proxies: CIDRs and single addresses; default none.
func TestServeTrustedProxies(t *testing.T) {
	env := func(string) string { return "" }
	c, err := parseServeConfig(nil, env, io.Discard)
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v, %v", c.TrustedProxies, err)
	}
	c, err = parseServeConfig([]string{"-trusted-proxies", "10.0.0.0/8, 127.0.0.1,::1"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.TrustedProxies {
		got = append(got, n.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 127.0.0.1/32 ::1/128" {
		t.Errorf("trusted proxies = %v", got)
	}
	if _, err := parseServeConfig([]string{"-trusted-proxies", "10.0.0.0/33"}, env, io.Discard); err == nil || !strings.Contains(err.Error(), "-trusted-proxies") {
		t.Errorf("bad CIDR: %v", err)
	}
}

// Issue 15, item 7: the command line's actor is the OS user when the
// environment names none (it was always "cli:unknown").
func TestCLIActorIsTheOSUser(t *testing.T) {
	if got := cliActor(func(k string) string { return map[string]string{"USER": "alice"}[k] }); got != "cli:alice" {
		t.Errorf("USER=alice: %s", got)
	}
	cur, err := user.Current()
	if err != nil {
		t.Skip("no OS user:", err)
	}
	if got := cliActor(func(string) string { return "" }); got == "cli:unknown" || !strings.Contains(got, cur.Username) {
		t.Errorf("without USER: %s, want the OS user %q", got, cur.Username)
	}
}
