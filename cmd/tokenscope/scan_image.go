package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/image"
)

// ImageOptions is everything `tokenscope scan image` needs.
type ImageOptions struct {
	Refs            []string
	Format          string
	Output          string
	ShowSecrets     bool
	FailOn          scope.Level
	MaxFileSize     int64
	Workers         int
	Progress        bool
	Platform        string
	Insecure        bool
	RegistryTimeout time.Duration
	Category        string
	// MaxArchiveDepth is how deep archives inside layers are opened; 0:
	// not at all.
	MaxArchiveDepth int
	// Shard is --shard K/N (or JOB_COMPLETION_INDEX/JOB_COMPLETIONS).
	Shard scanner.Shard
	// FingerprintKeyFile is --fingerprint-key-file (see newFingerprinter).
	FingerprintKeyFile string
	Verify             VerifyOptions
	// Project holds --config, --baseline and --show-suppressed (an image
	// has no repository root: no config is discovered).
	Project ProjectOptions
}

// newCmdScanImage builds `scan image`. A directory literally named
// "image" is scanned with `scan ./image`: only a first argument spelled
// exactly "image" selects this command.
func newCmdScanImage(s *Streams, runF func(*ImageOptions) error) *cobra.Command {
	opts := &ImageOptions{}
	var failOn, maxSize string
	var noProgress bool
	var shardFlag string
	cmd := &cobra.Command{
		Use:   "image REF...",
		Short: "Scan container images: every layer, the config and the build history",
		Long: `Scan container images for credentials: every file of every layer (archives
inside them opened), the config's Env, Cmd/Entrypoint and Labels, and the
build history (ARG, ENV and RUN lines). A file a later layer deleted is still
found, and flagged: it can be recovered from the image.

REF is one of:
  ghcr.io/org/app:1.2      a registry image (auth from the Docker config and
                           its credential helpers, as docker pull)
  ./app.tar                a docker save tarball
  ./app.tar.gz             one compressed with gzip or zstd (docker save app |
                           gzip > app.tar.gz; told by magic bytes)
  ./oci-dir                an OCI image layout directory
  ./app-oci.tar            an OCI archive (an OCI layout in one tar; it too
                           may be compressed)
  docker-daemon:app:dev    an image of the local Docker daemon (exported
                           with the docker CLI's docker save)

A multi-platform image is scanned for every platform unless --platform
names one. A layer shared by several platforms or images is scanned once.
To scan a directory named "image", use: tokenscope scan ./image

Exit codes as scan: 0 nothing at or above --fail-on; 1 findings at or above
it; 2 usage error, or nothing could be scanned (no image could be opened);
130 interrupted.`,
		Example: `  tokenscope scan image ghcr.io/org/app:1.2
  tokenscope scan image --platform linux/arm64 ghcr.io/org/app:1.2
  tokenscope scan image ./app.tar ./oci-layout
  tokenscope scan image docker-daemon:app:dev
  tokenscope scan image --insecure-registry localhost:5000/app:dev
  tokenscope scan image --format sarif -o image.sarif ghcr.io/org/app:1.2`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("scan image: name at least one image (REF...); to scan a directory named image, run: tokenscope scan ./image")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Refs = args
			var err error
			if opts.Shard, err = shardFrom(s, shardFlag, cmd.Flags().Changed("shard")); err != nil {
				return err
			}
			if opts.MaxArchiveDepth < 0 {
				return usageErr("--max-archive-depth: %d is not a depth (0 leaves archives unopened)", opts.MaxArchiveDepth)
			}
			if opts.FailOn, opts.MaxFileSize, err = parseReportFlags(failOn, maxSize, opts.Format); err != nil {
				return err
			}
			if opts.Workers < 0 {
				return usageErr("--workers: %d is not a number of workers (0 means one per CPU)", opts.Workers)
			}
			if opts.Platform != "" {
				if err := checkPlatform(opts.Platform); err != nil {
					return usageErr("--platform: %v", err)
				}
			}
			if opts.RegistryTimeout <= 0 {
				return usageErr("--registry-timeout: %s is not a positive duration", opts.RegistryTimeout)
			}
			opts.Progress = !noProgress && s.ErrTTY
			if err := opts.Verify.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runScanImage(cmd, s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "terminal", "report format: terminal, json, jsonl (one finding a line) or sarif")
	f.StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of standard output")
	f.BoolVar(&opts.ShowSecrets, "show-secrets", false, "print raw secrets in reports (off: every secret is redacted)")
	f.StringVar(&failOn, "fail-on", "low", "exit 1 when a finding reaches this severity: info, low, medium, high (alias broad), critical, none")
	f.StringVar(&maxSize, "max-file-size", "25MB", "scan at most this much of each file in a layer (larger files are scanned up to it and reported)")
	f.IntVarP(&opts.Workers, "workers", "j", 0, "files scanned at once (default: number of CPUs)")
	f.BoolVar(&noProgress, "no-progress", false, "never show the progress line on standard error")
	f.IntVar(&opts.MaxArchiveDepth, "max-archive-depth", scanner.DefaultMaxDepth, "open archives in layers (zip, jar, tar, gz, bz2, xz, zst) nested this deep; 0 leaves them unopened (a layer itself is always read)")
	f.StringVar(&shardFlag, "shard", "", "scan only shard K/N of the files and config items (1/4 is the first of four; every shard reads every layer, and matches only its files); default from JOB_COMPLETION_INDEX and JOB_COMPLETIONS; join the reports with tokenscope merge")
	f.StringVar(&opts.Category, "sarif-category", "tokenscope/scan-image", "SARIF runAutomationDetails category: code scanning keeps one set of alerts per category")
	f.StringVar(&opts.Platform, "platform", "", "scan only this platform of a multi-platform image: os/arch[/variant], e.g. linux/arm64")
	addFingerprintFlag(f, &opts.FingerprintKeyFile)
	f.BoolVar(&opts.Insecure, "insecure-registry", false, "allow plain HTTP and unverified TLS certificates for the registry (local and development registries only)")
	f.DurationVar(&opts.RegistryTimeout, "registry-timeout", image.DefaultTimeout, "give up on a registry that has not answered (manifests, config) within this time, or whose layer download stalls this long")
	addVerifyFlags(f, &opts.Verify)
	addProjectFlags(f, &opts.Project)
	f.Lookup("config").Usage = "read this config file (see docs/config.md); none is looked for: an image has no repository root"
	_ = f.MarkHidden("no-config") // nothing is discovered: there is nothing to turn off
	return cmd
}

// checkPlatform accepts os/arch and os/arch/variant.
func checkPlatform(p string) error {
	parts := strings.Split(p, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return fmt.Errorf("%q is not os/arch[/variant] (e.g. linux/amd64, linux/arm/v7)", p)
	}
	for _, x := range parts {
		if x == "" {
			return fmt.Errorf("%q is not os/arch[/variant] (e.g. linux/amd64, linux/arm/v7)", p)
		}
	}
	return nil
}

func runScanImage(cmd *cobra.Command, s *Streams, opts *ImageOptions) error {
	proj, err := loadProjectFor(cmd, s, projectSpec{
		Project: opts.Project, FingerprintKeyFile: opts.FingerprintKeyFile,
		FailOn: &opts.FailOn, MaxFileSize: &opts.MaxFileSize, MaxArchiveDepth: &opts.MaxArchiveDepth,
		Sharded: opts.Shard.Active(),
	})
	if err != nil {
		return err
	}
	eng, err := proj.newEngine(s, engineSpec{
		Output: opts.Output, Workers: opts.Workers, MaxFileSize: opts.MaxFileSize,
		ShowSecrets: opts.ShowSecrets, Progress: opts.Progress, Verify: opts.Verify.On,
		MaxArchiveDepth: opts.MaxArchiveDepth, Formats: scanFormats,
	})
	if err != nil {
		return err
	}
	infos, raw, prog := eng.infos, eng.raw, eng.prog
	src := image.New(opts.Refs, image.Options{
		Workers:  opts.Workers,
		Platform: opts.Platform,
		Insecure: opts.Insecure,
		Timeout:  opts.RegistryTimeout,
		Redact:   eng.RedactText,
		Shard:    opts.Shard,
	})
	prog.start()
	res, err := eng.Run(cmd.Context(), src)
	prog.stop()
	if err != nil {
		if errors.Is(err, scanner.ErrNothingScanned) || res == nil {
			return &exitError{code: exitUsage, err: err}
		}
		// interrupted: report what was found so far, marked incomplete
	}
	verified, verr := proj.finish(cmd.Context(), opts.FailOn, &opts.Verify, res, raw, err)
	if verr != nil {
		return verr
	}
	cwd, _ := os.Getwd()
	rerr := report(s, opts.Format, opts.Output, reporters.Run{
		ToolName: "tokenscope", ToolVersion: version, Command: "scan image",
		Category: opts.Category, Roots: opts.Refs, Rules: infos, FailOn: opts.FailOn,
		ShowSecrets: opts.ShowSecrets, Color: s.colorAllowed() && opts.Output == "",
		BaseDir: cwd, Incomplete: err != nil, FingerprintScheme: proj.fp.Scheme(),
		Verify: verified, Notices: proj.finalNotices(), ShowSuppressed: opts.Project.ShowSuppressed,
		Shard: shardPtr(opts.Shard),
	}, res)
	warnRunLocal(s, proj.fp)
	if err != nil {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("scan interrupted: %w", err)}
	}
	return rerr
}
