package web

import "github.com/labstack/echo/v4"

// IngestDeps are the dependencies of the write API (imports) and exports.
type IngestDeps struct{}

// registerIngest adds the import and export routes (none yet).
func registerIngest(e *echo.Echo, d Deps) error { return nil }
