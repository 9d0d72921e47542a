# The release image, built by GoReleaser (dockers_v2 in .goreleaser.yaml)
# for linux/amd64 and linux/arm64 from the binaries it has already built:
# the build context holds linux/amd64/tokenscope and linux/arm64/tokenscope.
#
# distroless/static: no shell, no package manager, CA certificates and
# tzdata only; runs as the unprivileged user nonroot (65532).
# Mount what to scan at /src:
#   docker run --rm -v "$PWD:/src" ghcr.io/tokenscope/tokenscope:0.2.0 scan .
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY ${TARGETPLATFORM}/tokenscope /usr/bin/tokenscope
COPY LICENSE /usr/share/doc/tokenscope/LICENSE
WORKDIR /src
USER 65532:65532
ENTRYPOINT ["/usr/bin/tokenscope"]
CMD ["scan", "."]
