package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// DaemonPrefix marks a reference to an image in the local Docker daemon:
// "docker-daemon:app:dev".
const DaemonPrefix = "docker-daemon:"

// exportFromDaemon writes the daemon's image name to a temporary
// docker-save tarball with `docker save` and returns its path and a
// cleanup function.
//
// The docker CLI is used rather than the Engine API client library: the
// library (and go-containerregistry's daemon package on top of it) brings
// a large dependency tree and buffers the whole image in memory, while
// the CLI already knows the user's contexts, DOCKER_HOST and TLS setup.
// The tarball is a temporary file the size of the image.
func exportFromDaemon(ctx context.Context, docker, name string) (string, func(), error) {
	if name == "" {
		return "", nil, fmt.Errorf("%sNAME[:TAG]: no image named", DaemonPrefix)
	}
	if strings.HasPrefix(name, "-") {
		return "", nil, fmt.Errorf("%q is not an image name", name)
	}
	if docker == "" {
		docker = "docker"
	}
	bin, err := exec.LookPath(docker)
	if err != nil {
		return "", nil, fmt.Errorf("%s%s needs the docker CLI to export the image, and %q is not installed (or not on PATH); export it some other way (docker save -o app.tar %s, podman save ...) and scan the tarball", DaemonPrefix, name, docker, name)
	}
	f, err := os.CreateTemp("", "tokenscope-image-*.tar")
	if err != nil {
		return "", nil, err
	}
	tmp := f.Name()
	f.Close()
	cleanup := func() { os.Remove(tmp) }
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "save", "-o", tmp, name)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		cleanup()
		if ctx.Err() != nil {
			return "", nil, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", nil, fmt.Errorf("docker save %s failed (is the daemon running, and is the image there?): %s", name, oneLine(msg, 300))
		}
		return "", nil, fmt.Errorf("docker save %s: %s", name, oneLine(msg, 300))
	}
	return tmp, cleanup, nil
}
