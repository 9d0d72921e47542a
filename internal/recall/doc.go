// Package recall holds the labelled recall benchmark of the built-in
// detector set (issue 9): every rule's credential in its vendor context,
// bare, and in foreign contexts (generic names, headers, flags, URLs),
// hand-written cases from testdata/recall, and hard negatives. Its test
// prints recall, bare-token recall and the share of negatives flagged, and
// fails below the floors set from what was measured. Run it with
// scripts/recall.sh.
package recall
