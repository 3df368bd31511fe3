// Package dropoutclient is a small Go client of DropoutService (gRPC API dropout.v1): create
// models, train them with streamed progress, predict (also with Monte-Carlo dropout), and run
// forward/backward passes. Errors are *Error values carrying the gRPC code and the
// google.rpc.BadRequest field violations.
//
// It builds offline against Debian's Go libraries in GOPATH mode (grpc-go 1.33) and with the
// module proxy through clients/go/go.mod.
package dropoutclient

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	pb "github.com/dropoutservice/dropoutservice/clients/go/dropoutv1"
)

// Options configure Dial. The zero value is a plaintext connection with a 30 s call timeout.
type Options struct {
	// TLS enables TLS with this configuration; nil means plaintext HTTP/2.
	TLS *tls.Config
	// Timeout is the deadline of every call whose context has none, except Train.
	// Zero means 30 s; negative means none.
	Timeout time.Duration
	// Metadata is sent with every call (e.g. "authorization": "Bearer ...").
	Metadata map[string]string
	// MaxMessageBytes bounds sent and received messages. Zero means 64 MiB.
	MaxMessageBytes int
	// Block makes Dial wait until the connection is up (bounded by ctx).
	Block bool
	// APIKey or Token (a JWT) is sent as "authorization: Bearer ..." with every call. When both
	// are empty, $DROPOUTSERVICE_API_KEY or $DROPOUTSERVICE_TOKEN is used (unless NoEnv).
	APIKey string
	Token  string
	// NoEnv stops Dial from reading credentials (and DialDefault the address) from the environment.
	NoEnv bool
}

// Client wraps one connection and the three DropoutService services. It is safe for
// concurrent use. The generated stubs are exported for calls the helpers do not cover.
type Client struct {
	Conn      *grpc.ClientConn
	Models    pb.ModelServiceClient
	Training  pb.TrainingServiceClient
	Inference pb.InferenceServiceClient
	Health    healthpb.HealthClient

	timeout time.Duration
	md      []string
}

// Dial connects to addr ("host:port").
func Dial(ctx context.Context, addr string, opts Options) (*Client, error) {
	maxMsg := opts.MaxMessageBytes
	if maxMsg == 0 {
		maxMsg = 64 << 20
	}
	dialOpts := []grpc.DialOption{
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMsg), grpc.MaxCallSendMsgSize(maxMsg)),
		// Reconnect within ~2 s of a server coming back, instead of gRPC's 1 s x 1.6^n back-off up to 120 s.
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
			MinConnectTimeout: 20 * time.Second,
		}),
	}
	if opts.TLS != nil {
		dialOpts = append(dialOpts, grpc.WithTransportCredentials(credentials.NewTLS(opts.TLS)))
	} else {
		// grpc-go 1.33 (Debian) has no credentials/insecure package.
		dialOpts = append(dialOpts, grpc.WithInsecure())
	}
	if opts.Block {
		dialOpts = append(dialOpts, grpc.WithBlock())
	}
	cred, err := credential(opts)
	if err != nil {
		return nil, err
	}
	if cred != "" {
		dialOpts = append(dialOpts, grpc.WithPerRPCCredentials(bearer{value: cred}))
	}
	conn, err := grpc.DialContext(ctx, addr, dialOpts...)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	c := NewClient(conn)
	switch {
	case opts.Timeout > 0:
		c.timeout = opts.Timeout
	case opts.Timeout < 0:
		c.timeout = 0
	}
	for k, v := range opts.Metadata {
		c.md = append(c.md, strings.ToLower(k), v)
	}
	return c, nil
}

// DialDefault connects to $DROPOUTSERVICE_ADDRESS, or DefaultAddress (localhost:50051).
func DialDefault(ctx context.Context, opts Options) (*Client, error) {
	addr := DefaultAddress
	if !opts.NoEnv {
		addr = AddressFromEnv()
	}
	return Dial(ctx, addr, opts)
}

// NewClient wraps an existing connection (30 s default call timeout, no metadata).
func NewClient(conn *grpc.ClientConn) *Client {
	return &Client{
		Conn:      conn,
		Models:    pb.NewModelServiceClient(conn),
		Training:  pb.NewTrainingServiceClient(conn),
		Inference: pb.NewInferenceServiceClient(conn),
		Health:    healthpb.NewHealthClient(conn),
		timeout:   30 * time.Second,
	}
}

// Close closes the connection.
func (c *Client) Close() error { return c.Conn.Close() }

// callCtx adds the client's metadata and, when ctx has no deadline, its default timeout.
func (c *Client) callCtx(ctx context.Context, withTimeout bool) (context.Context, context.CancelFunc) {
	if len(c.md) > 0 {
		ctx = metadata.AppendToOutgoingContext(ctx, c.md...)
	}
	if _, ok := ctx.Deadline(); !ok && withTimeout && c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	return ctx, func() {}
}

// WaitReady polls the health service until the server reports SERVING or ctx ends. Each probe
// waits for the connection (WaitForReady) rather than failing while the channel is between
// connection attempts.
func (c *Client) WaitReady(ctx context.Context) error {
	var last error
	for {
		callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if len(c.md) > 0 {
			callCtx = metadata.AppendToOutgoingContext(callCtx, c.md...)
		}
		resp, err := c.Health.Check(callCtx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
		cancel()
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		if err != nil {
			last = err
		} else {
			last = fmt.Errorf("health status %s", resp.GetStatus())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server not SERVING: %v (%w)", last, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ServerInfo returns the server version, BLAS backend and limits.
func (c *Client) ServerInfo(ctx context.Context) (*pb.GetServerInfoResponse, error) {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	resp, err := c.Models.GetServerInfo(ctx, &pb.GetServerInfoRequest{})
	return resp, wrap(err)
}

// CreateModel creates a model (see Spec, Dense, Relu, Dropout and ParseLayers).
func (c *Client) CreateModel(ctx context.Context, id string, spec *pb.ModelSpec) (*pb.Model, error) {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	resp, err := c.Models.CreateModel(ctx, &pb.CreateModelRequest{ModelId: id, Spec: spec})
	if err != nil {
		return nil, wrap(err)
	}
	return resp.GetModel(), nil
}

// GetModel returns one model.
func (c *Client) GetModel(ctx context.Context, id string) (*pb.Model, error) {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	resp, err := c.Models.GetModel(ctx, &pb.GetModelRequest{ModelId: id})
	if err != nil {
		return nil, wrap(err)
	}
	return resp.GetModel(), nil
}

// ListModels returns every model ordered by id, following the pages.
func (c *Client) ListModels(ctx context.Context) ([]*pb.Model, error) {
	var models []*pb.Model
	token := ""
	for {
		callCtx, cancel := c.callCtx(ctx, true)
		resp, err := c.Models.ListModels(callCtx, &pb.ListModelsRequest{PageToken: token})
		cancel()
		if err != nil {
			return nil, wrap(err)
		}
		models = append(models, resp.GetModels()...)
		if token = resp.GetNextPageToken(); token == "" {
			return models, nil
		}
	}
}

// ListVersions returns the loadable versions of a model, oldest first.
func (c *Client) ListVersions(ctx context.Context, id string) ([]*pb.ModelVersion, error) {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	resp, err := c.Models.ListModelVersions(ctx, &pb.ListModelVersionsRequest{ModelId: id})
	if err != nil {
		return nil, wrap(err)
	}
	return resp.GetVersions(), nil
}

// DeleteModel deletes a model and its versions.
func (c *Client) DeleteModel(ctx context.Context, id string) error {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	_, err := c.Models.DeleteModel(ctx, &pb.DeleteModelRequest{ModelId: id})
	return wrap(err)
}

// Dataset is training data: Features with ClassIDs (classifiers) or Targets.
type Dataset struct {
	Features Matrix
	ClassIDs []int32
	Targets  *Matrix
}

func (d Dataset) proto() *pb.Dataset {
	ds := &pb.Dataset{Features: d.Features.Tensor(), ClassIds: d.ClassIDs}
	if d.Targets != nil {
		ds.TargetValues = d.Targets.Tensor()
	}
	return ds
}

// TrainRequest describes a Train call. Set Data or DatasetID (from UploadDataset).
type TrainRequest struct {
	ModelID     string
	BaseVersion int64
	Data        *Dataset
	DatasetID   string
	Validation  *Dataset
	Options     *pb.TrainingOptions
}

// Train runs a training and calls onProgress (may be nil) as each epoch's progress arrives.
// It returns the published version's summary. Cancel ctx to stop training (nothing is
// published). Train applies no default timeout: bound it with ctx.
func (c *Client) Train(ctx context.Context, req TrainRequest, onProgress func(*pb.EpochProgress)) (*pb.TrainingCompleted, error) {
	ctx, cancel := c.callCtx(ctx, false)
	defer cancel()
	r := &pb.TrainRequest{ModelId: req.ModelID, BaseVersion: req.BaseVersion, Options: req.Options}
	switch {
	case req.DatasetID != "":
		r.Data = &pb.TrainRequest_DatasetId{DatasetId: req.DatasetID}
	case req.Data != nil:
		r.Data = &pb.TrainRequest_Dataset{Dataset: req.Data.proto()}
	}
	if req.Validation != nil {
		r.ValidationDataset = req.Validation.proto()
	}
	stream, err := c.Training.Train(ctx, r)
	if err != nil {
		return nil, wrap(err)
	}
	var completed *pb.TrainingCompleted
	for {
		msg, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, wrap(err)
		}
		if p := msg.GetProgress(); p != nil && onProgress != nil {
			onProgress(p)
		}
		if done := msg.GetCompleted(); done != nil {
			completed = done
		}
	}
	if completed == nil {
		return nil, fmt.Errorf("train %s: stream ended without a completed message", req.ModelID)
	}
	return completed, nil
}

// UploadDataset streams a dataset in chunks of chunkRows rows (0 means 4096) and returns the
// id to use as TrainRequest.DatasetID.
func (c *Client) UploadDataset(ctx context.Context, data Dataset, chunkRows int) (*pb.UploadDatasetResponse, error) {
	if chunkRows <= 0 {
		chunkRows = 4096
	}
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	stream, err := c.Training.UploadDataset(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	for start := 0; start < data.Features.Rows; start += chunkRows {
		end := start + chunkRows
		if end > data.Features.Rows {
			end = data.Features.Rows
		}
		msg := &pb.UploadDatasetRequest{
			FeatureCount: int32(data.Features.Cols),
			Features:     data.Features.Slice(start, end).Tensor(),
		}
		if data.ClassIDs != nil {
			msg.ClassIds = data.ClassIDs[start:end]
		}
		if data.Targets != nil {
			msg.TargetValues = data.Targets.Slice(start, end).Tensor()
		}
		if err := stream.Send(msg); err != nil {
			if err == io.EOF {
				break // the server ended the call: CloseAndRecv returns its status
			}
			return nil, wrap(err)
		}
	}
	resp, err := stream.CloseAndRecv()
	return resp, wrap(err)
}

// ApplyGradients steps the optimizer once with gradients keyed "dense0.weight" (as returned by
// Backward) and publishes a new version. baseVersion 0 means the latest; optimizer nil means SGD.
func (c *Client) ApplyGradients(ctx context.Context, id string, baseVersion int64, gradients map[string]Matrix,
	learningRate float32, optimizer *pb.OptimizerConfig) (*pb.ModelVersion, error) {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	req := &pb.ApplyGradientsRequest{ModelId: id, BaseVersion: baseVersion, LearningRate: learningRate, Optimizer: optimizer}
	for name, g := range gradients {
		dot := strings.LastIndex(name, ".")
		if dot < 0 {
			return nil, fmt.Errorf("gradient name %q: want layer.parameter", name)
		}
		req.Gradients = append(req.Gradients, &pb.ParameterGradient{Layer: name[:dot], Name: name[dot+1:], Gradient: g.Tensor()})
	}
	resp, err := c.Training.ApplyGradients(ctx, req)
	if err != nil {
		return nil, wrap(err)
	}
	return resp.GetVersion(), nil
}

// PredictOptions tune Predict. The zero value predicts with the latest version in eval mode.
type PredictOptions struct {
	Version   int64
	MCSamples int32 // > 0: Monte-Carlo dropout with this many samples
	Seed      uint64
}

// Prediction is Predict's answer. Probabilities and ClassIDs are set for classifiers;
// StdDev and Entropy only for Monte-Carlo predictions.
type Prediction struct {
	Version       int64
	Outputs       Matrix
	ClassIDs      []int32
	Probabilities Matrix
	StdDev        Matrix
	Entropy       []float32
}

// Predict runs a batch (rows x input size).
func (c *Client) Predict(ctx context.Context, id string, inputs Matrix, opts PredictOptions) (*Prediction, error) {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	resp, err := c.Inference.Predict(ctx, &pb.PredictRequest{
		ModelId: id, Version: opts.Version, Inputs: inputs.Tensor(), McSamples: opts.MCSamples, Seed: opts.Seed,
		OutputEncoding: pb.TensorEncoding_TENSOR_ENCODING_RAW,
	})
	if err != nil {
		return nil, wrap(err)
	}
	p := &Prediction{Version: resp.GetVersion(), ClassIDs: resp.GetClassIds(), Entropy: resp.GetPredictiveEntropy()}
	for _, f := range []struct {
		dst *Matrix
		src *pb.Tensor
	}{{&p.Outputs, resp.GetOutputs()}, {&p.Probabilities, resp.GetProbabilities()}, {&p.StdDev, resp.GetStandardDeviation()}} {
		if f.src == nil {
			continue
		}
		if *f.dst, err = FromTensor(f.src); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ForwardOptions tune Forward and Backward. Mode defaults to eval; Seed keys the dropout masks.
type ForwardOptions struct {
	Version            int64
	Mode               pb.ForwardMode
	Seed               uint64
	IncludeActivations bool
}

// Activation is one layer's output in a forward pass: Output holds one row per input row, and
// Shape the output's full shape (e.g. [rows, channels, height, width] after a layer over images).
type Activation struct {
	Layer  string
	Output Matrix
	Shape  []int64
}

// ForwardResult is Forward's answer.
type ForwardResult struct {
	Version     int64
	Outputs     Matrix
	Activations []Activation
}

// Forward runs one forward pass.
func (c *Client) Forward(ctx context.Context, id string, inputs Matrix, opts ForwardOptions) (*ForwardResult, error) {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	resp, err := c.Inference.Forward(ctx, &pb.ForwardRequest{
		ModelId: id, Version: opts.Version, Inputs: inputs.Tensor(), Mode: opts.Mode, Seed: opts.Seed,
		IncludeActivations: opts.IncludeActivations, OutputEncoding: pb.TensorEncoding_TENSOR_ENCODING_RAW,
	})
	if err != nil {
		return nil, wrap(err)
	}
	r := &ForwardResult{Version: resp.GetVersion()}
	if r.Outputs, err = FromTensor(resp.GetOutputs()); err != nil {
		return nil, err
	}
	for _, a := range resp.GetActivations() {
		m, err := FromTensor(a.GetOutput())
		if err != nil {
			return nil, err
		}
		r.Activations = append(r.Activations, Activation{Layer: a.GetLayer(), Output: m, Shape: a.GetOutput().GetShape()})
	}
	return r, nil
}

// Upstream is what Backward propagates: OutputGradients (dLoss/dOutputs), or the model's
// loss against ClassIDs or TargetValues.
type Upstream struct {
	OutputGradients *Matrix
	ClassIDs        []int32
	TargetValues    *Matrix
}

// BackwardResult is Backward's answer. ParameterGradients is keyed "dense0.weight".
type BackwardResult struct {
	Version            int64
	Outputs            Matrix
	Loss               *float32
	InputGradients     Matrix
	ParameterGradients map[string]Matrix
}

// Backward recomputes the forward pass of (version, inputs, mode, seed) and back-propagates.
func (c *Client) Backward(ctx context.Context, id string, inputs Matrix, up Upstream, opts ForwardOptions) (*BackwardResult, error) {
	ctx, cancel := c.callCtx(ctx, true)
	defer cancel()
	req := &pb.BackwardRequest{
		ModelId: id, Version: opts.Version, Inputs: inputs.Tensor(), Mode: opts.Mode, Seed: opts.Seed,
		OutputEncoding: pb.TensorEncoding_TENSOR_ENCODING_RAW,
	}
	if up.OutputGradients != nil {
		req.Upstream = &pb.BackwardRequest_OutputGradients{OutputGradients: up.OutputGradients.Tensor()}
	} else {
		t := &pb.BackwardTargets{ClassIds: up.ClassIDs}
		if up.TargetValues != nil {
			t.Values = up.TargetValues.Tensor()
		}
		req.Upstream = &pb.BackwardRequest_Targets{Targets: t}
	}
	resp, err := c.Inference.Backward(ctx, req)
	if err != nil {
		return nil, wrap(err)
	}
	r := &BackwardResult{Version: resp.GetVersion(), Loss: resp.Loss, ParameterGradients: map[string]Matrix{}}
	if r.Outputs, err = FromTensor(resp.GetOutputs()); err != nil {
		return nil, err
	}
	if r.InputGradients, err = FromTensor(resp.GetInputGradients()); err != nil {
		return nil, err
	}
	for _, g := range resp.GetParameterGradients() {
		m, err := FromTensor(g.GetGradient())
		if err != nil {
			return nil, err
		}
		r.ParameterGradients[g.GetLayer()+"."+g.GetName()] = m
	}
	return r, nil
}
