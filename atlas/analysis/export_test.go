package analysis

// RanksForTest exposes ranks to the external tests.
var RanksForTest = ranks
