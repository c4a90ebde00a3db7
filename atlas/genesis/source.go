// Package genesis is a client for the GENESIS web service (REST/JSON,
// "genesisWS/rest/2020/"), the interface of Destatis GENESIS-Online, the
// Regionaldatenbank Deutschland and the Länder's GENESIS databases.
//
// Since July 2025 the service answers POST requests only: the parameters
// travel form-encoded in the body and the credentials in the request
// headers "username" and "password" (an API token goes into "username"
// with an empty password). A token may read but not start background jobs
// (job=true); those need a username and password. The client never puts
// credentials into a URL, a log line or an error message.
//
// What the client does, and where the answers it expects are recorded
// (see genesistest/testdata/PROVENANCE.md):
//
//   - LoginCheck: helloworld/logincheck, a flat {"Status": "...",
//     "Username": "..."} document.
//   - TableFile: data/tablefile as flat CSV ("ffcsv"), usually zipped.
//     A table too large for a direct answer comes back as status code 98;
//     the client then asks for a background job (job=true, code 99 names the
//     result), polls catalogue/results until the result is listed (code 104
//     while it is not) and downloads it from data/resultfile.
//   - Every other status document ({"Status": {"Code", "Content", "Type"}})
//     becomes a *StatusError that wraps one of the sentinel errors.
package genesis

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sort"
	"strings"
)

// Base URLs of the built-in sources.
const (
	DestatisURL          = "https://www-genesis.destatis.de/genesisWS/rest/2020/"
	RegionalstatistikURL = "https://www.regionalstatistik.de/genesisws/rest/2020/"
)

// Source is one GENESIS installation: a name for messages and status pages,
// and the base URL of its REST interface (ending in "/").
type Source struct {
	Name    string `json:"name"`
	BaseURL string `json:"base_url"`
}

var builtin = map[string]Source{
	"destatis":          {Name: "destatis", BaseURL: DestatisURL},
	"regionalstatistik": {Name: "regionalstatistik", BaseURL: RegionalstatistikURL},
}

// Builtin lists the built-in sources by name.
func Builtin() []Source {
	out := make([]Source, 0, len(builtin))
	for _, s := range builtin {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupSource resolves a source: a built-in name (destatis,
// regionalstatistik) or the base URL of another GENESIS installation (a
// Land's database). A URL must use https, except on the loopback interface
// (test servers), so that credentials never travel in clear text.
func LookupSource(s string) (Source, error) {
	s = strings.TrimSpace(s)
	if src, ok := builtin[strings.ToLower(s)]; ok {
		return src, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return Source{}, fmt.Errorf("genesis source %q: want %s or the base URL of a GENESIS REST interface (https://…/genesisWS/rest/2020/)", s, strings.Join(builtinNames(), ", "))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return Source{}, fmt.Errorf("genesis source %q: the base URL must not carry credentials, a query or a fragment (credentials go into the request headers)", u.Redacted())
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return Source{}, fmt.Errorf("genesis source %q: use https (credentials travel in the request headers)", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return Source{Name: u.Host, BaseURL: u.String()}, nil
}

func builtinNames() []string {
	var out []string
	for _, s := range Builtin() {
		out = append(out, s.Name)
	}
	return out
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Credentials identify the user of a GENESIS installation: a username (or
// e-mail address) and password, or an API token as Username with an empty
// Password. Registrations are per installation. The value never prints
// itself: fmt, %v, %#v and slog show "[redacted]".
type Credentials struct {
	Username string
	Password string
}

// Empty reports whether no credentials are set.
func (c Credentials) Empty() bool { return c.Username == "" && c.Password == "" }

// Token reports whether the credentials are an API token (no password). A
// token may read tables but not start background jobs.
func (c Credentials) Token() bool { return c.Username != "" && c.Password == "" }

// String implements fmt.Stringer without revealing anything.
func (c Credentials) String() string { return "[redacted]" }

// GoString implements fmt.GoStringer without revealing anything.
func (c Credentials) GoString() string { return "genesis.Credentials{[redacted]}" }

// LogValue implements slog.LogValuer without revealing anything.
func (c Credentials) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// MarshalJSON keeps credentials out of any JSON (status files, logs).
func (c Credentials) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }

// redact replaces the secrets in s (text a server sent back, an error of
// the HTTP client) by "***".
func (c Credentials) redact(s string) string {
	for _, secret := range []string{c.Password, c.Username} {
		if len(secret) >= 3 {
			s = strings.ReplaceAll(s, secret, "***")
			if esc := url.QueryEscape(secret); esc != secret {
				s = strings.ReplaceAll(s, esc, "***")
			}
		}
	}
	return s
}
