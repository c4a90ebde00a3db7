# Enforces the import rules of ARCHITECTURE.md. Run as
#   go list -f '{{.ImportPath}} {{join .Imports " "}}' ./... | awk -f .ci/check-imports.awk ARCHITECTURE.md -
# The first file is ARCHITECTURE.md: the rows of its package table
# ("| `pkg` | provides | may import (project) |") are the rules. Every
# project package is governed by the row of its longest table prefix; it may
# import packages governed by its own row and those governed by a row that
# its "may import" column names (`a`, `b`; "everything" = any; "—" = none).
# A package without a row is a violation. The second input is `go list`
# output, one "<package> <imports...>" per line. Exit 1 on a violation.
BEGIN { m = "github.com/standortatlas/standortatlas"; bad = 0; nrows = 0 }
function rel(p) { sub("^" m "/?", "", p); return p }
# row returns the table row governing package p ("" when none).
function row(p,    best, r) {
	best = ""
	for (r in allowed) {
		if ((p == r || index(p, r "/") == 1) && length(r) > length(best)) best = r
	}
	return best
}
FNR == NR {
	if ($0 !~ /^\| `[^`]+` \|/) next
	n = split($0, col, "|")
	pkg = col[2]; gsub(/[` ]/, "", pkg)
	may = col[n - 1]
	if (may ~ /everything/) { allowed[pkg] = "*"; nrows++; next }
	list = " "
	while (match(may, /`[^`]+`/)) {
		list = list substr(may, RSTART + 1, RLENGTH - 2) " "
		may = substr(may, RSTART + RLENGTH)
	}
	allowed[pkg] = list
	nrows++
	next
}
{
	if (nrows == 0) { print "check-imports: no package table found in ARCHITECTURE.md"; exit 1 }
	pkg = rel($1)
	r = row(pkg)
	if (r == "") { print pkg ": no row in the package table of ARCHITECTURE.md"; bad = 1; next }
	for (i = 2; i <= NF; i++) {
		imp = $i
		if (imp ~ /labstack\/echo/ && pkg !~ /^(atlas\/web|cmd\/)/) { print pkg " must not import echo (" imp ")"; bad = 1 }
		if (imp ~ /jackc\/pgx/ && pkg !~ /^(atlas\/pgstore|atlas\/storetest|cmd\/)/) { print pkg " must not import pgx (" imp ")"; bad = 1 }
		if (index(imp, m) != 1) continue
		dep = rel(imp)
		dr = row(dep)
		if (dr == r || allowed[r] == "*" || index(allowed[r], " " dr " ") > 0) continue
		print pkg " must not import " dep " (ARCHITECTURE.md: " r " may import" (allowed[r] == " " ? " no project package" : allowed[r]) ")"
		bad = 1
	}
}
END { exit bad }
