#!/usr/bin/env bash
# Runs a go command on clients/go in GOPATH mode against Debian's Go libraries
# (golang-google-grpc-dev, golang-google-protobuf-dev, golang-github-golang-protobuf-1-5-dev):
# the offline route. A throwaway GOPATH links this directory in at its import path.
#
# Usage: clients/go/gopath.sh go vet ./...
#        clients/go/gopath.sh go test -v ./...
#        clients/go/gopath.sh go build -o /tmp/dropoutctl ./cmd/dropoutctl
# Env:   DROPOUT_GOPATH  the GOPATH directory to use (default: a fresh temporary directory)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
import_path=github.com/dropoutservice/dropoutservice/clients/go

gopath=${DROPOUT_GOPATH:-}
if [[ -z "$gopath" ]]; then
  gopath=$(mktemp -d)
  trap 'rm -rf "$gopath"' EXIT
fi
mkdir -p "$gopath/src/$(dirname "$import_path")"
ln -sfn "$here" "$gopath/src/$import_path"

export GO111MODULE=off GOFLAGS= GOPATH="$gopath:/usr/share/gocode"
export GOCACHE=${GOCACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/go-build}
cd "$gopath/src/$import_path"
# The command runs in the linked directory: give output paths (go build -o) as absolute paths.
"$@"
