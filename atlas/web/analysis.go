package web

import "github.com/labstack/echo/v4"

// AnalysisDeps are the dependencies of the analysis routes.
type AnalysisDeps struct{}

// registerAnalysis adds the analysis routes (none yet).
func registerAnalysis(e *echo.Echo, d Deps) error { return nil }
