package pgstore

import (
	"context"
	"hash/fnv"
	"sync"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.Locker = (*Store)(nil)

// TryLock implements atlas.Locker with a session-level advisory lock
// (pg_try_advisory_lock) on a connection taken from the pool and kept
// until unlock: of several atlas instances over one database only one
// holds a name at a time (e.g. the scheduled update). The lock ends with
// unlock, or with the connection when the process dies.
func (s *Store) TryLock(ctx context.Context, name string) (unlock func(), ok bool, err error) {
	h := fnv.New64a()
	h.Write([]byte("standortatlas:" + name))
	key := int64(h.Sum64())
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, wrap("lock "+name, err)
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		conn.Release()
		if err != nil {
			return nil, false, wrap("lock "+name, err)
		}
		return nil, false, nil
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			// Unlocked even when the holder's context has ended; a failed
			// unlock closes the connection, which releases the lock too.
			if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
				conn.Conn().Close(context.WithoutCancel(ctx))
			}
			conn.Release()
		})
	}, true, nil
}
