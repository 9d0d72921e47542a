package main

import (
	"bufio"

	"io"
	"os"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/scanner"
)

// shardFrom is --shard K/N, else the shard a Kubernetes indexed Job gives
// (JOB_COMPLETION_INDEX, 0-based, and JOB_COMPLETIONS), else no split.
func shardFrom(s *Streams, flag string, set bool) (scanner.Shard, error) {
	if set {
		sh, err := scanner.ParseShard(flag)
		if err != nil {
			return scanner.Shard{}, usageErr("--shard: %v", err)
		}
		return sh, nil
	}
	idx, cnt := s.env("JOB_COMPLETION_INDEX"), s.env("JOB_COMPLETIONS")
	if idx == "" && cnt == "" {
		return scanner.Shard{Count: 1}, nil
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(idx))
	n, err2 := strconv.Atoi(strings.TrimSpace(cnt))
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return scanner.Shard{}, usageErr("JOB_COMPLETION_INDEX=%q and JOB_COMPLETIONS=%q are not a shard (0 <= index < completions)", idx, cnt)
	}
	return scanner.Shard{Index: i, Count: n}, nil
}

func shardPtr(sh scanner.Shard) *scanner.Shard {
	if !sh.Active() {
		return nil
	}
	return &sh
}

// env reads a variable through the injected environment.
func (s *Streams) env(name string) string {
	if s.Env == nil {
		return ""
	}
	return s.Env(name)
}

// readTargets reads --targets FILE: one path or repository URL a line;
// blank lines and lines starting with # are skipped, surrounding space
// trimmed. "-" reads standard input.
func readTargets(s *Streams, name string) ([]string, error) {
	var r io.Reader
	if name == "-" {
		r = s.In
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, usageErr("--targets: %v", err)
		}
		defer f.Close()
		r = f
	}
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "-" {
			return nil, usageErr("--targets %s: \"-\" (standard input) cannot be a target listed in a file", name)
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, usageErr("--targets %s: %v", name, err)
	}
	if len(out) == 0 {
		return nil, usageErr("--targets %s: no target listed", name)
	}
	return out, nil
}
