// Command dropoutctl is an example DropoutService client: create a model, train it from a CSV
// file, predict from a CSV file (optionally with Monte-Carlo dropout), list and delete models.
// Results print as text or, with -json, as JSON (one object per line while training).
//
//	dropoutctl -addr localhost:50051 create -model digits -input 64 -layers dense:128,relu,dropout:0.2,dense:10
//	dropoutctl -addr localhost:50051 create -model digits-image -input-shape 1x8x8 -layers dense:128,relu,dense:10
//	dropoutctl train -model digits -csv testdata/digits.csv.gz -scale 0.0625 -epochs 30 -optimizer adam -lr 0.002
//	dropoutctl predict -model digits -csv testdata/digits.csv.gz -scale 0.0625 -labels last
//	dropoutctl -json predict -model digits -csv testdata/digits.csv.gz -scale 0.0625 -labels last -mc 50
//
// The address defaults to $DROPOUTSERVICE_ADDRESS, else localhost:50051 (the server's default).
// An API key or token comes from -api-key / -token or $DROPOUTSERVICE_API_KEY / $DROPOUTSERVICE_TOKEN;
// -ca trusts a CA for TLS, -cert with -key present a client certificate (mutual TLS).
//
// CSV files (optionally .gz) hold one row per line, no header; -labels last (or first) takes
// that column as the class id, -labels none uses every column as a feature.
package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dropoutservice/dropoutservice/clients/go/dropoutclient"
	pb "github.com/dropoutservice/dropoutservice/clients/go/dropoutv1"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type app struct {
	out    io.Writer
	json   bool
	client *dropoutclient.Client
}

const usage = `usage: dropoutctl [-addr host:port] [-json] [-timeout 30s] [-api-key key | -token jwt] [-tls] [-ca file] [-cert file -key file] <command> [flags]
commands: info, list, create, train, predict, delete (dropoutctl <command> -h for its flags)`

// run is main without os.Exit, so tests can drive the CLI in-process.
func run(args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("dropoutctl", flag.ContinueOnError)
	global.SetOutput(stderr)
	addr := global.String("addr", dropoutclient.AddressFromEnv(), "server address (env "+dropoutclient.AddressEnv+")")
	asJSON := global.Bool("json", false, "print JSON")
	timeout := global.Duration("timeout", 30*time.Second, "deadline of each call (train: none unless -train-timeout)")
	useTLS := global.Bool("tls", false, "use TLS")
	caFile := global.String("ca", "", "PEM file of the CA to trust (implies -tls)")
	certFile := global.String("cert", "", "PEM client certificate for mutual TLS (with -key; implies -tls)")
	keyFile := global.String("key", "", "PEM private key of -cert")
	apiKey := global.String("api-key", "", "API key (default: env "+dropoutclient.APIKeyEnv+")")
	token := global.String("token", "", "JWT bearer token (default: env "+dropoutclient.TokenEnv+")")
	global.Usage = func() { fmt.Fprintln(stderr, usage); global.PrintDefaults() }
	if err := global.Parse(args); err != nil {
		return 2
	}
	if global.NArg() == 0 {
		global.Usage()
		return 2
	}

	opts := dropoutclient.Options{Timeout: *timeout, APIKey: *apiKey, Token: *token}
	if *useTLS || *caFile != "" || *certFile != "" || *keyFile != "" {
		cfg, err := dropoutclient.TLSFiles(*caFile, *certFile, *keyFile, "")
		if err != nil {
			fmt.Fprintln(stderr, "dropoutctl:", err)
			return 1
		}
		opts.TLS = cfg
	}
	ctx := context.Background()
	client, err := dropoutclient.Dial(ctx, *addr, opts)
	if err != nil {
		fmt.Fprintln(stderr, "dropoutctl:", err)
		return 1
	}
	defer client.Close()

	a := &app{out: stdout, json: *asJSON, client: client}
	cmd, rest := global.Arg(0), global.Args()[1:]
	var cmdErr error
	switch cmd {
	case "info":
		cmdErr = a.info(ctx)
	case "list":
		cmdErr = a.list(ctx)
	case "create":
		cmdErr = a.create(ctx, rest, stderr)
	case "train":
		cmdErr = a.train(ctx, rest, stderr)
	case "predict":
		cmdErr = a.predict(ctx, rest, stderr)
	case "delete":
		cmdErr = a.delete(ctx, rest, stderr)
	default:
		fmt.Fprintf(stderr, "dropoutctl: unknown command %q\n%s\n", cmd, usage)
		return 2
	}
	if errors.Is(cmdErr, flag.ErrHelp) {
		return 0
	}
	if cmdErr != nil {
		if e, ok := dropoutclient.AsError(cmdErr); ok {
			fmt.Fprintf(stderr, "dropoutctl: %s: %s\n", e.Code, e.Message)
			if e.Reason != "" {
				fmt.Fprintf(stderr, "  reason %s\n", e.Reason)
			}
			for _, v := range e.FieldViolations {
				fmt.Fprintf(stderr, "  field %s: %s\n", v.Field, v.Description)
			}
		} else {
			fmt.Fprintln(stderr, "dropoutctl:", cmdErr)
		}
		return 1
	}
	return 0
}

func (a *app) emit(v interface{}, text string) {
	if a.json {
		b, _ := json.Marshal(v)
		fmt.Fprintln(a.out, string(b))
		return
	}
	fmt.Fprintln(a.out, text)
}

func (a *app) info(ctx context.Context) error {
	info, err := a.client.ServerInfo(ctx)
	if err != nil {
		return err
	}
	lim := info.GetLimits()
	b := info.GetBatching()
	a.emit(map[string]interface{}{
		"server_version": info.GetServerVersion(), "blas_backend": info.GetBlasBackend(),
		"processor_count": info.GetProcessorCount(), "model_count": info.GetModelCount(),
		"max_batch_rows": lim.GetMaxBatchRows(), "max_mc_samples": lim.GetMaxMcSamples(),
		"max_memory_bytes": lim.GetMaxMemoryBytes(), "batching_enabled": b.GetEnabled(),
		"batching_max_batch_rows": b.GetMaxBatchRows(), "batching_max_queue_delay_us": b.GetMaxQueueDelayUs(),
	}, fmt.Sprintf("server %s, backend %s (%s), %d processors, %d models, max batch %d rows, max MC samples %d, "+
		"memory budget %d bytes, batching %s (up to %d rows, queue delay %d us)",
		info.GetServerVersion(), info.GetBlasBackend(), info.GetBlasDescription(), info.GetProcessorCount(),
		info.GetModelCount(), lim.GetMaxBatchRows(), lim.GetMaxMcSamples(), lim.GetMaxMemoryBytes(),
		onOff(b.GetEnabled()), b.GetMaxBatchRows(), b.GetMaxQueueDelayUs()))
	return nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

type modelJSON struct {
	ID             string `json:"id"`
	OutputSize     int32  `json:"output_size"`
	ParameterCount int64  `json:"parameter_count"`
	LatestVersion  int64  `json:"latest_version"`
}

func toModelJSON(m *pb.Model) modelJSON {
	return modelJSON{m.GetId(), m.GetOutputSize(), m.GetParameterCount(), m.GetLatestVersion()}
}

func (a *app) list(ctx context.Context) error {
	models, err := a.client.ListModels(ctx)
	if err != nil {
		return err
	}
	rows := make([]modelJSON, 0, len(models))
	lines := make([]string, 0, len(models))
	for _, m := range models {
		rows = append(rows, toModelJSON(m))
		lines = append(lines, fmt.Sprintf("%s\tversion %d\t%d parameters\t%d outputs", m.GetId(), m.GetLatestVersion(), m.GetParameterCount(), m.GetOutputSize()))
	}
	a.emit(map[string]interface{}{"models": rows}, strings.Join(lines, "\n"))
	return nil
}

func (a *app) create(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model id ([a-z][a-z0-9-]{0,62})")
	input := fs.Int("input", 0, "features per row")
	inputShape := fs.String("input-shape", "", "shape of one sample instead of -input, e.g. 1x8x8 (channels x height x width)")
	layers := fs.String("layers", "", "layers, e.g. dense:128,relu,dropout:0.2,dense:10")
	loss := fs.String("loss", "softmax_cross_entropy", "softmax_cross_entropy, mse or bce")
	seed := fs.Uint64("seed", 0, "weight initialisation seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	specLayers, err := dropoutclient.ParseLayers(*layers)
	if err != nil {
		return err
	}
	lossKind, err := dropoutclient.ParseLoss(*loss)
	if err != nil {
		return err
	}
	spec := dropoutclient.Spec(int32(*input), lossKind, *seed, specLayers...)
	if *inputShape != "" {
		shape, err := dropoutclient.ParseShape(*inputShape)
		if err != nil {
			return err
		}
		spec = dropoutclient.ShapedSpec(shape, lossKind, *seed, specLayers...)
	}
	m, err := a.client.CreateModel(ctx, *model, spec)
	if err != nil {
		return err
	}
	a.emit(toModelJSON(m), fmt.Sprintf("created %s: %d parameters, %d outputs, version %d", m.GetId(), m.GetParameterCount(), m.GetOutputSize(), m.GetLatestVersion()))
	return nil
}

func (a *app) delete(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("delete", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := a.client.DeleteModel(ctx, *model); err != nil {
		return err
	}
	a.emit(map[string]string{"deleted": *model}, "deleted "+*model)
	return nil
}

type progressJSON struct {
	Event              string   `json:"event"`
	Epoch              int32    `json:"epoch"`
	TotalEpochs        int32    `json:"total_epochs"`
	Step               int64    `json:"step"`
	TrainLoss          float32  `json:"train_loss"`
	ValidationLoss     *float32 `json:"validation_loss,omitempty"`
	ValidationAccuracy *float32 `json:"validation_accuracy,omitempty"`
	LearningRate       float32  `json:"learning_rate"`
	ElapsedMs          int64    `json:"elapsed_ms"`
}

func (a *app) train(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model id")
	csvPath := fs.String("csv", "", "training data CSV (.gz ok)")
	labels := fs.String("labels", "last", "class id column: last, first (or none with -targets)")
	scale := fs.Float64("scale", 1, "multiply every feature by this (digits: 0.0625)")
	epochs := fs.Int("epochs", 10, "epochs")
	batch := fs.Int("batch", 32, "minibatch rows")
	lr := fs.Float64("lr", 0.01, "learning rate")
	optimizer := fs.String("optimizer", "adam", "sgd, momentum, nesterov, rmsprop, adam")
	valSplit := fs.Float64("validation-split", 0.1, "fraction held out for validation")
	patience := fs.Int("early-stopping", 0, "early-stopping patience in epochs (0: off)")
	seed := fs.Uint64("seed", 0, "shuffle and dropout seed")
	trainTimeout := fs.Duration("train-timeout", 0, "deadline of the training (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	features, classes, err := readCSV(*csvPath, *labels, float32(*scale))
	if err != nil {
		return err
	}
	opt, err := dropoutclient.ParseOptimizer(*optimizer)
	if err != nil {
		return err
	}
	rate := float32(*lr)
	req := dropoutclient.TrainRequest{
		ModelID: *model,
		Data:    &dropoutclient.Dataset{Features: features, ClassIDs: classes},
		Options: &pb.TrainingOptions{
			Epochs: int32(*epochs), BatchSize: int32(*batch), LearningRate: &rate,
			Optimizer:       &pb.OptimizerConfig{Kind: opt},
			ValidationSplit: float32(*valSplit), EarlyStoppingPatience: int32(*patience), Seed: *seed,
		},
	}
	if *trainTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *trainTimeout)
		defer cancel()
	}
	done, err := a.client.Train(ctx, req, func(p *pb.EpochProgress) {
		text := fmt.Sprintf("epoch %d/%d  step %d  loss %.4f", p.GetEpoch(), p.GetTotalEpochs(), p.GetStep(), p.GetTrainLoss())
		if p.ValidationAccuracy != nil {
			text += fmt.Sprintf("  val_acc %.4f", p.GetValidationAccuracy())
		}
		text += fmt.Sprintf("  lr %.5g  %d ms", p.GetLearningRate(), p.GetElapsedMs())
		a.emit(progressJSON{"progress", p.GetEpoch(), p.GetTotalEpochs(), p.GetStep(), p.GetTrainLoss(),
			p.ValidationLoss, p.ValidationAccuracy, p.GetLearningRate(), p.GetElapsedMs()}, text)
	})
	if err != nil {
		return err
	}
	a.emit(map[string]interface{}{"event": "completed", "version": done.GetVersion().GetVersion(), "best_epoch": done.GetBestEpoch(), "stopped_early": done.GetStoppedEarly()},
		fmt.Sprintf("published version %d (best epoch %d, stopped early: %v)", done.GetVersion().GetVersion(), done.GetBestEpoch(), done.GetStoppedEarly()))
	return nil
}

type predictJSON struct {
	Version       int64       `json:"version"`
	Rows          int         `json:"rows"`
	MCSamples     int32       `json:"mc_samples,omitempty"`
	Accuracy      *float64    `json:"accuracy,omitempty"`
	MaxStdDev     *float32    `json:"max_standard_deviation,omitempty"`
	ClassIDs      []int32     `json:"class_ids,omitempty"`
	Outputs       [][]float32 `json:"outputs,omitempty"`
	Probabilities [][]float32 `json:"probabilities,omitempty"`
	StdDev        [][]float32 `json:"standard_deviation,omitempty"`
	Entropy       []float32   `json:"predictive_entropy,omitempty"`
}

func rowsOf(m dropoutclient.Matrix) [][]float32 {
	if m.Rows == 0 {
		return nil
	}
	out := make([][]float32, m.Rows)
	for i := range out {
		out[i] = m.Row(i)
	}
	return out
}

func (a *app) predict(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model id")
	csvPath := fs.String("csv", "", "inputs CSV (.gz ok)")
	labels := fs.String("labels", "none", "class id column to score accuracy against: none, last, first")
	scale := fs.Float64("scale", 1, "multiply every feature by this")
	version := fs.Int64("version", 0, "model version (0: latest)")
	mc := fs.Int("mc", 0, "Monte-Carlo dropout samples (0: eval mode)")
	seed := fs.Uint64("seed", 0, "Monte-Carlo seed")
	quiet := fs.Bool("summary", false, "print only the summary (text: one line; JSON: no per-row arrays)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	inputs, classes, err := readCSV(*csvPath, *labels, float32(*scale))
	if err != nil {
		return err
	}
	p, err := a.client.Predict(ctx, *model, inputs, dropoutclient.PredictOptions{Version: *version, MCSamples: int32(*mc), Seed: *seed})
	if err != nil {
		return err
	}
	// Monte-Carlo predictions of classifiers carry probabilities but no raw outputs.
	rows := p.Outputs.Rows
	if p.Probabilities.Rows > rows {
		rows = p.Probabilities.Rows
	}
	res := predictJSON{Version: p.Version, Rows: rows, MCSamples: int32(*mc)}
	if !*quiet {
		res.ClassIDs, res.Outputs, res.Probabilities, res.StdDev, res.Entropy = p.ClassIDs, rowsOf(p.Outputs), rowsOf(p.Probabilities), rowsOf(p.StdDev), p.Entropy
	}
	var lines []string
	if !*quiet {
		for i := 0; i < rows; i++ {
			line := fmt.Sprintf("row %d", i)
			if len(p.ClassIDs) > i {
				c := p.ClassIDs[i]
				line += fmt.Sprintf("  class %d  p %.4f", c, p.Probabilities.At(i, int(c)))
				if p.StdDev.Rows > i {
					line += fmt.Sprintf("  std %.4f  entropy %.4f", p.StdDev.At(i, int(c)), p.Entropy[i])
				}
			} else {
				line += fmt.Sprintf("  %v", p.Outputs.Row(i))
			}
			lines = append(lines, line)
		}
	}
	summary := fmt.Sprintf("version %d, %d rows", p.Version, rows)
	if classes != nil && len(p.ClassIDs) == len(classes) {
		correct := 0
		for i, c := range classes {
			if p.ClassIDs[i] == c {
				correct++
			}
		}
		acc := float64(correct) / float64(len(classes))
		res.Accuracy = &acc
		summary += fmt.Sprintf(", accuracy %.4f (%d/%d)", acc, correct, len(classes))
	}
	if *mc > 0 && p.StdDev.Rows > 0 {
		maxStd := float32(0)
		for _, v := range p.StdDev.Data {
			maxStd = float32(math.Max(float64(maxStd), float64(v)))
		}
		res.MaxStdDev = &maxStd
		summary += fmt.Sprintf(", MC samples %d, max std %.4f", *mc, maxStd)
	}
	a.emit(res, strings.Join(append(lines, summary), "\n"))
	return nil
}

// readCSV reads numeric rows; labels "last"/"first" splits off that column as class ids.
func readCSV(path, labels string, scale float32) (dropoutclient.Matrix, []int32, error) {
	if path == "" {
		return dropoutclient.Matrix{}, nil, errors.New("-csv is required")
	}
	f, err := os.Open(path)
	if err != nil {
		return dropoutclient.Matrix{}, nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return dropoutclient.Matrix{}, nil, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	records, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return dropoutclient.Matrix{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	var rows [][]float32
	var classes []int32
	for n, rec := range records {
		if labels == "last" || labels == "first" {
			idx := len(rec) - 1
			if labels == "first" {
				idx = 0
			}
			c, err := strconv.Atoi(strings.TrimSpace(rec[idx]))
			if err != nil {
				return dropoutclient.Matrix{}, nil, fmt.Errorf("%s line %d: label: %w", path, n+1, err)
			}
			classes = append(classes, int32(c))
			rec = append(append([]string(nil), rec[:idx]...), rec[idx+1:]...)
		} else if labels != "none" {
			return dropoutclient.Matrix{}, nil, fmt.Errorf("-labels %q: want last, first or none", labels)
		}
		row := make([]float32, len(rec))
		for j, s := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 32)
			if err != nil {
				return dropoutclient.Matrix{}, nil, fmt.Errorf("%s line %d column %d: %w", path, n+1, j+1, err)
			}
			row[j] = float32(v) * scale
		}
		rows = append(rows, row)
	}
	m, err := dropoutclient.MatrixFromRows(rows)
	return m, classes, err
}
