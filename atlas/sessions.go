package atlas

import (
	"context"
	"errors"
	"time"
)

// ErrTooManySessions: the store holds as many open sessions as allowed;
// no new one is opened (HTTP 503).
var ErrTooManySessions = errors.New("atlas: too many open sessions; use a bearer token or retry later")

// Session is a write token exchanged for a session cookie of the web form
// (atlas/web). Sessions are not data: opening or ending one neither raises
// the data version nor creates a release or an audit entry.
type Session struct {
	// Token is the session's token, looked up afresh on every use, so that
	// revoking the token ends its sessions at once.
	Token Token
	// CSRF is the session's CSRF token (useless without the cookie).
	CSRF    string
	Expires time.Time
}

// SessionStore keeps the web form's sessions in the store, so that every
// instance over the same store accepts a session any of them opened (no
// sticky sessions). Only a hash of the session id (HashToken) is stored.
type SessionStore interface {
	// CreateSession opens a session of the active token tokenID under
	// idHash, expiring at expires. It first deletes the sessions expired at
	// now; with max or more open sessions left it opens none and fails with
	// ErrTooManySessions. An unknown or revoked token fails with
	// ErrUnauthenticated.
	CreateSession(ctx context.Context, idHash string, tokenID int64, csrf string, expires, now time.Time, max int) error
	// SessionByHash returns the session with this id hash if it has not
	// expired at now and its token is active; otherwise ErrUnauthenticated
	// (an expired session is deleted).
	SessionByHash(ctx context.Context, idHash string, now time.Time) (Session, error)
	// DeleteSession ends a session; ending an unknown one is no error.
	DeleteSession(ctx context.Context, idHash string) error
}
