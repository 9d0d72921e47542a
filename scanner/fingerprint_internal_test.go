package scanner

import "testing"

// Beyond the slow budget a low-entropy secret gets a run-local
// fingerprint: consistent within the run, counted, and never the fast
// (dictionary-searchable) hash.
func TestFingerprintBudget(t *testing.T) {
	p, _ := NewFingerprinter(nil)
	p.budget = 1
	a := p.Fingerprint("r", "hunter22")
	if p.Stats().Slow != 1 {
		t.Fatalf("stats %+v, want one slow computation", p.Stats())
	}
	b := p.Fingerprint("r", "letmein1")
	if p.Stats().RunLocal != 1 || p.Stats().Slow != 1 {
		t.Fatalf("stats %+v, want one run-local", p.Stats())
	}
	if b != p.Fingerprint("r", "letmein1") {
		t.Error("a run-local fingerprint changes within the run")
	}
	if a != p.Fingerprint("r", "hunter22") {
		t.Error("a cached secret lost its slow fingerprint after the budget was spent")
	}
	q, _ := NewFingerprinter(nil)
	if b == q.Fingerprint("r", "letmein1") {
		t.Error("a run-local fingerprint equals the stable one")
	}
}
