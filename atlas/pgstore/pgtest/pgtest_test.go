package pgtest

import "testing"

func TestWithDatabase(t *testing.T) {
	tests := []struct{ give, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/t_1?sslmode=disable"},
		{"postgresql://u:p%40ss@db/x", "postgresql://u:p%40ss@db/t_1"},
		{"postgres://postgres@127.0.0.1:5432", "postgres://postgres@127.0.0.1:5432/t_1"},
		{"host=/var/run/postgresql user=postgres dbname=postgres", "host=/var/run/postgresql user=postgres dbname=postgres dbname=t_1"},
	}
	for _, tt := range tests {
		got, err := withDatabase(tt.give, "t_1")
		if err != nil || got != tt.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tt.give, got, err, tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ give, want string }{
		{"postgres://u:secret@db:5432/x", "postgres://u:xxxxx@db:5432/x"},
		{"postgres://u@db/x", "postgres://u@db/x"},
		{"host=db password=secret", EnvURL},
	}
	for _, tt := range tests {
		if got := redact(tt.give); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}
