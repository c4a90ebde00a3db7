package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Channel is the NOTIFY channel on which every commit that changes the data
// version is announced (payload: the new version).
const Channel = "standortatlas_data_version"

// Watch calls changed whenever a transaction that changed the data version
// commits, in this process or another, until ctx ends. It keeps one
// connection of its own (outside the pool) listening on Channel, and calls
// changed each time that connection starts listening: first when Watch is
// ready, then after each reconnection (with a growing pause, up to 30 s),
// since notifications may have been missed meanwhile.
//
// Watch returns an error only when the first LISTEN fails; afterwards it
// returns nil when ctx ends. Callers that poll DataVersion anyway (like
// atlas.Service) use Watch to see imports at once instead of within the
// polling interval.
func (s *Store) Watch(ctx context.Context, changed func()) error {
	conn, err := s.listen(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("watch data version: %w", err)
	}
	changed()
	pause := 250 * time.Millisecond
	for {
		for conn != nil {
			if _, err := conn.WaitForNotification(ctx); err != nil {
				conn.Close(context.WithoutCancel(ctx))
				conn = nil
				break
			}
			pause = 250 * time.Millisecond
			changed()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
		if conn, err = s.listen(ctx); err == nil {
			changed()
		}
	}
}

// listen opens a connection with the pool's settings and LISTENs on Channel.
func (s *Store) listen(ctx context.Context) (*pgx.Conn, error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] += " (watch)"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return conn, nil
}
