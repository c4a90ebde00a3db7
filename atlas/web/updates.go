package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/standortatlas/standortatlas/atlas"
)

// UpdatesDeps are the dependencies of the update status (tables checked
// against their GENESIS source, "zuletzt geprüft").
type UpdatesDeps struct {
	// Status reads the registered sources and their last checks. Nil: no
	// sources (status "none").
	Status func(ctx context.Context) (atlas.UpdateStatus, error)
}

func (d UpdatesDeps) status(ctx context.Context) (atlas.UpdateStatus, error) {
	if d.Status == nil {
		return atlas.NewUpdateStatus(nil), nil
	}
	return d.Status(ctx)
}

type updateHandlers struct{ deps UpdatesDeps }

// newUpdateHandlers answers GET /api/v1/updates and registers the update
// series of /metrics. The status lives in the store's settings, which do
// not change the data version, so the answer is never cached.
func newUpdateHandlers(d Deps, m *metrics) *updateHandlers {
	m.Registry().MustRegister(&updateCollector{status: d.Updates.status})
	return &updateHandlers{deps: d.Updates}
}

func (h *updateHandlers) status(c echo.Context) error {
	st, err := h.deps.status(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, st)
}

// updateCollector exports the last check of every registered source.
type updateCollector struct {
	status func(ctx context.Context) (atlas.UpdateStatus, error)
}

var (
	updateCheckDesc = prometheus.NewDesc("standortatlas_update_last_check_timestamp_seconds",
		"When a registered source was last checked against its GENESIS table (0: never).", []string{"source", "table"}, nil)
	updateFailedDesc = prometheus.NewDesc("standortatlas_update_failed",
		"1 when the last check of a registered source failed (its data stay as they were), else 0.", []string{"source", "table"}, nil)
	updateChangedDesc = prometheus.NewDesc("standortatlas_update_last_new_edition_timestamp_seconds",
		"When a newer edition of a registered source was last imported (0: never).", []string{"source", "table"}, nil)
	updateErrorDesc = prometheus.NewDesc("standortatlas_update_status_error",
		"1 when the update status could not be read from the store.", nil, nil)
)

func (u *updateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- updateCheckDesc
	ch <- updateFailedDesc
	ch <- updateChangedDesc
	ch <- updateErrorDesc
}

func (u *updateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := u.status(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(updateErrorDesc, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(updateErrorDesc, prometheus.GaugeValue, 0)
	for _, s := range st.Sources {
		checked, changed, failed := 0.0, 0.0, 0.0
		if !s.CheckedAt.IsZero() {
			checked = float64(s.CheckedAt.Unix())
		}
		if s.ChangedAt != nil {
			changed = float64(s.ChangedAt.Unix())
		}
		if s.Outcome == atlas.UpdateFailed {
			failed = 1
		}
		ch <- prometheus.MustNewConstMetric(updateCheckDesc, prometheus.GaugeValue, checked, s.ID, s.Table)
		ch <- prometheus.MustNewConstMetric(updateChangedDesc, prometheus.GaugeValue, changed, s.ID, s.Table)
		ch <- prometheus.MustNewConstMetric(updateFailedDesc, prometheus.GaugeValue, failed, s.ID, s.Table)
	}
}

// updatesPaths describes GET /api/v1/updates for /api/openapi.json.
func updatesPaths() oaObj {
	return oaObj{
		"/api/v1/updates": oaGet("updates", "update status",
			"tables registered with their GENESIS source (standortatlas fetch genesis / update): per source and per indicator when it was last checked (checked_at), the outcome (new, unchanged, failed, pending), when a newer edition was last imported (changed_at, release) and why a check failed; status is ok, failed or none. Never cached.", nil),
	}
}
