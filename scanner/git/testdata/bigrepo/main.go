// Command bigrepo writes a synthetic git repository for the history-scan
// benchmark: about 20,000 commits over a few thousand real text files (Go's
// own sources), each commit rewriting a block of lines in a few files, on
// several branches with tags. It is not part of the build (testdata).
//
//	go run ./scanner/git/testdata/bigrepo -o /tmp/bigrepo -commits 20000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

func main() {
	out := flag.String("o", "/tmp/bigrepo", "repository to create")
	commits := flag.Int("commits", 20000, "number of commits")
	files := flag.Int("files", 3000, "number of files at the start")
	flag.Parse()

	src := filepath.Join(runtime.GOROOT(), "src")
	var paths []string
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.Contains(p, "testdata") {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	pool := paths[*files:]
	paths = paths[:*files]

	tree := map[string][]string{} // repo path -> lines
	var names []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			log.Fatal(err)
		}
		rel, _ := filepath.Rel(src, p)
		tree[rel] = strings.Split(string(b), "\n")
		names = append(names, rel)
	}
	sort.Strings(names)

	if err := os.RemoveAll(*out); err != nil {
		log.Fatal(err)
	}
	if err := exec.Command("git", "init", "-q", "-b", "main", *out).Run(); err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = *out
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(in, 1<<20)
	data := func(s string) { fmt.Fprintf(w, "data %d\n%s\n", len(s), s) }
	when := int64(1500000000)
	mark := 0
	branches := []string{"main"}
	for c := 0; c < *commits; c++ {
		br := "main"
		if c > 100 && r.IntN(10) == 0 {
			br = branches[r.IntN(len(branches))]
		}
		if c > 0 && c%1000 == 0 {
			nb := fmt.Sprintf("feature-%d", c/1000)
			fmt.Fprintf(w, "reset refs/heads/%s\nfrom refs/heads/main\n\n", nb)
			branches = append(branches, nb)
		}
		mark++
		when += 600 + int64(r.IntN(3600))
		fmt.Fprintf(w, "commit refs/heads/%s\nmark :%d\n", br, mark)
		fmt.Fprintf(w, "author Dev %d <dev%d@example.com> %d +0000\n", c%37, c%37, when)
		fmt.Fprintf(w, "committer Dev %d <dev%d@example.com> %d +0000\n", c%37, c%37, when)
		data(fmt.Sprintf("change %d", c))
		if c == 0 {
			for _, n := range names {
				fmt.Fprintf(w, "M 100644 inline %s\n", n)
				data(strings.Join(tree[n], "\n"))
			}
		} else {
			for k := 0; k < 1+r.IntN(4); k++ {
				if r.IntN(20) == 0 {
					p := pool[r.IntN(len(pool))]
					b, _ := os.ReadFile(p)
					rel, _ := filepath.Rel(src, p)
					rel = fmt.Sprintf("added/%d/%s", c, filepath.Base(rel))
					tree[rel] = strings.Split(string(b), "\n")
					names = append(names, rel)
					fmt.Fprintf(w, "M 100644 inline %s\n", rel)
					data(string(b))
					continue
				}
				n := names[r.IntN(len(names))]
				lines := tree[n]
				donor := tree[names[r.IntN(len(names))]]
				// rewrite a block of about 5% of the file, so patches come
				// out several times smaller than the blobs, as in real
				// repositories
				blk := 1 + len(lines)*5/100
				at := r.IntN(len(lines))
				for i := 0; i < blk && at+i < len(lines) && len(donor) > 0; i++ {
					lines[at+i] = donor[r.IntN(len(donor))]
				}
				fmt.Fprintf(w, "M 100644 inline %s\n", n)
				data(strings.Join(lines, "\n"))
			}
		}
		w.WriteString("\n")
		if c%2500 == 0 {
			fmt.Fprintf(w, "tag v%d\nfrom :%d\ntagger Rel <rel@example.com> %d +0000\n", c/2500, mark, when)
			data("release")
		}
	}
	w.Flush()
	in.Close()
	if err := cmd.Wait(); err != nil {
		log.Fatal(err)
	}
	for _, args := range [][]string{{"repack", "-adq", "--depth=50", "--window=50"}, {"checkout", "-q", "main"}} {
		c := exec.Command("git", args...)
		c.Dir = *out
		c.Stderr = os.Stderr
		if err := c.Run(); err != nil {
			log.Fatal(err)
		}
	}
}
