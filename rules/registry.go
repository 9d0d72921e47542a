package rules

import "github.com/tokenscope/tokenscope/detectors"

// The YAML rules are registered (detectors.Registry) when a program links
// this package; they are compiled on the first Registry call.
func init() {
	detectors.Register(detectors.SourceRule, func() ([]detectors.Info, error) {
		rs, err := Load()
		if err != nil {
			return nil, err
		}
		out := make([]detectors.Info, 0, len(rs))
		for _, r := range rs {
			out = append(out, r.Info())
		}
		return out, nil
	})
}
