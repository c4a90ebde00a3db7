# Enforces the import rules of ARCHITECTURE.md on `go list` output:
# each line is "<package> <imports...>". Exit 1 on a violation.
BEGIN { m = "github.com/standortatlas/standortatlas"; bad = 0 }
function rel(p) { sub("^" m "/?", "", p); return p }
{
	pkg = rel($1)
	for (i = 2; i <= NF; i++) {
		imp = $i
		if (imp ~ /labstack\/echo/ && pkg !~ /^(atlas\/web|cmd\/)/) { print pkg " must not import echo (" imp ")"; bad = 1 }
		if (imp ~ /jackc\/pgx/ && pkg !~ /^(atlas\/pgstore|atlas\/storetest|cmd\/)/) { print pkg " must not import pgx (" imp ")"; bad = 1 }
		if (index(imp, m) != 1) continue
		dep = rel(imp)
		if (dep ~ /^cmd/) { print pkg " must not import " dep; bad = 1 }
		if (pkg ~ /^geo/ && dep !~ /^geo/) { print pkg " (geo) must not import " dep; bad = 1 }
		if (pkg ~ /^tiles/ && dep !~ /^(tiles|geo)/) { print pkg " (tiles) must not import " dep; bad = 1 }
		if ((pkg == "static" || pkg == "seeds") && dep != "") { print pkg " must not import " dep; bad = 1 }
		if (pkg ~ /^atlas/ && pkg !~ /^atlas\/web/ && (dep ~ /^(atlas\/web|static|seeds)/)) { print pkg " must not import " dep; bad = 1 }
	}
}
END { exit bad }
