// Package static holds the browser front end of the Standortatlas: the atlas
// page (index.html), the embeddable map (embed.html), their CSS and ES
// modules, the third-party files under lib/ that the Makefile copies from
// node_modules (see lib/README.md) and licenses/ with the notices that their
// packages do not ship. The server serves FS under /static/, and
// index.html at / and embed.html at /embed.
package static

import "embed"

// FS is the embedded front end. lib/ is embedded with all: so that its
// README.md keeps the directory present before npm ci has run.
//
//go:embed index.html embed.html css js licenses all:lib reporting
var FS embed.FS
