// Package seeds embeds the atlas's seed data: real BKG boundaries and
// official statistics in their original formats, and manifest.json, which
// describes the indicator catalogue and how each file is imported. See
// PROVENANCE.md for every file's origin, licence and caveats.
package seeds

import "embed"

// FS holds manifest.json, boundaries/, indicators/ and places/ (places.json lists the places files).
//
//go:embed manifest.json boundaries indicators places
var FS embed.FS

// Manifest is the name of the manifest file in FS.
const Manifest = "manifest.json"
