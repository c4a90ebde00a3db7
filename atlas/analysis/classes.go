package analysis

import "github.com/standortatlas/standortatlas/atlas"

// classifyForMap classifies an analysis's map column as every map of the
// atlas is classified (atlas.ClassifyColumn; NaN = no value) and hands
// each of the first n values its class (-1 without a value) through set:
// the index, the distribution key and headroom draw their maps from it.
func classifyForMap(column []float64, n int, cc atlas.ColumnClasses, set func(i, class int)) (atlas.Legend, error) {
	cl, lg, err := atlas.ClassifyColumn(column, cc)
	if err != nil {
		return atlas.Legend{}, err
	}
	for i := range n {
		set(i, cl.ClassOf(column[i]))
	}
	return lg, nil
}
