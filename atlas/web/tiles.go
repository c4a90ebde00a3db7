package web

import "github.com/labstack/echo/v4"

// TilesDeps are the dependencies of the vector-tile routes.
type TilesDeps struct{}

// registerTiles adds the vector-tile routes (none yet).
func registerTiles(e *echo.Echo, d Deps) error { return nil }
