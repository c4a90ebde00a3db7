// Package web is the HTTP layer of the Standortatlas: routes, request
// parsing, response encoding, caching headers, security headers and the one
// place where errors become HTTP status codes. It is the only package that
// imports echo.
package web
