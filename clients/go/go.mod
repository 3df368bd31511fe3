// For users with the Go module proxy: `go mod tidy` once (writes go.sum), then
// `go build ./...`. Offline builds on Debian use GOPATH mode instead (see gopath.sh, README.md),
// which ignores this file.
module github.com/dropoutservice/dropoutservice/clients/go

go 1.24

require (
	google.golang.org/genproto/googleapis/rpc v0.0.0-20261110000943-09e21b237f2c
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)
