package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
)

// errorHandler maps errors to HTTP status codes in one place and logs 5xx once.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		code, msg := statusOf(err)
		if code >= http.StatusInternalServerError {
			log.ErrorContext(c.Request().Context(), "request failed",
				"method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(code)
			return
		}
		_ = c.JSON(code, map[string]string{"error": msg})
	}
}

func statusOf(err error) (int, string) {
	var he *echo.HTTPError
	var pe *atlas.ParamError
	switch {
	case errors.As(err, &he):
		return he.Code, fmt.Sprint(he.Message)
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.Error()
	case errors.Is(err, atlas.ErrUnknownIndicator), errors.Is(err, atlas.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, context.Canceled):
		return 499, "client closed request"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "request timed out"
	default:
		return http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError)
	}
}
