package main

import (
	"github.com/tokenscope/tokenscope/detectors"
)

func infoMap(set *detectors.Set) map[string]detectors.Info {
	m := map[string]detectors.Info{}
	for _, inf := range set.Infos() {
		m[inf.ID] = inf
	}
	return m
}
