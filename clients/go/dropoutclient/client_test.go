package dropoutclient_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	dc "github.com/dropoutservice/dropoutservice/clients/go/dropoutclient"
	pb "github.com/dropoutservice/dropoutservice/clients/go/dropoutv1"
)

// The scenario tests need a running server: DROPOUTSERVICE_ADDRESS=host:port (the polyglot
// xunit suite starts one and sets it). DROPOUTSERVICE_DIGITS overrides the data path.

func serverAddress(t *testing.T) string {
	addr := os.Getenv("DROPOUTSERVICE_ADDRESS")
	if addr == "" {
		t.Skip("DROPOUTSERVICE_ADDRESS is not set (start a server, or run the polyglot xunit suite)")
	}
	return addr
}

func digitsPath() string {
	if p := os.Getenv("DROPOUTSERVICE_DIGITS"); p != "" {
		return p
	}
	// In GOPATH mode the package directory is reached through a symlink: resolve it first.
	wd, _ := os.Getwd()
	if real, err := filepath.EvalSymlinks(wd); err == nil {
		wd = real
	}
	return filepath.Join(wd, "..", "..", "..", "testdata", "digits.csv.gz")
}

// loadDigits returns features scaled to [0, 1] and labels, shuffled with a fixed seed and
// split 80/20 into train and test.
func loadDigits(t *testing.T) (xTrain dc.Matrix, yTrain []int32, xTest dc.Matrix, yTest []int32) {
	t.Helper()
	path := digitsPath()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("digits data: %v (set DROPOUTSERVICE_DIGITS)", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]float32
	var labels []int32
	sc := bufio.NewScanner(gz)
	for sc.Scan() {
		parts := strings.Split(strings.TrimSpace(sc.Text()), ",")
		if len(parts) != 65 {
			continue
		}
		row := make([]float32, 64)
		for j := 0; j < 64; j++ {
			v, _ := strconv.ParseFloat(parts[j], 32)
			row[j] = float32(v) / 16
		}
		c, _ := strconv.Atoi(parts[64])
		rows = append(rows, row)
		labels = append(labels, int32(c))
	}
	order := rand.New(rand.NewSource(0)).Perm(len(rows))
	cut := len(rows) * 8 / 10
	pick := func(idx []int) (dc.Matrix, []int32) {
		sel := make([][]float32, len(idx))
		lab := make([]int32, len(idx))
		for i, k := range idx {
			sel[i], lab[i] = rows[k], labels[k]
		}
		m, _ := dc.MatrixFromRows(sel)
		return m, lab
	}
	xTrain, yTrain = pick(order[:cut])
	xTest, yTest = pick(order[cut:])
	return
}

func softmaxCE(out dc.Matrix, labels []int32) float64 {
	total := 0.0
	for i := 0; i < out.Rows; i++ {
		row := out.Row(i)
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		s := 0.0
		for _, v := range row {
			s += math.Exp(float64(v) - m)
		}
		total += m + math.Log(s) - float64(row[labels[i]])
	}
	return total / float64(out.Rows)
}

// TestScenario is issue 5's scenario, in order, against a real server.
func TestScenario(t *testing.T) {
	addr := serverAddress(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	readyCtx, readyCancel := context.WithTimeout(ctx, 30*time.Second)
	defer readyCancel()
	client, err := dc.Dial(ctx, addr, dc.Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.WaitReady(readyCtx); err != nil {
		t.Fatal(err)
	}
	xTrain, yTrain, xTest, yTest := loadDigits(t)
	id := "go-digits-" + strconv.Itoa(os.Getpid())
	_ = client.DeleteModel(ctx, id)
	defer func() { _ = client.DeleteModel(context.Background(), id) }()

	if !t.Run("CreateWithDropout", func(t *testing.T) {
		m, err := client.CreateModel(ctx, id, dc.Spec(64, pb.Loss_LOSS_SOFTMAX_CROSS_ENTROPY, 3,
			dc.Dense(64), dc.Relu(), dc.Dropout(0.2), dc.Dense(10)))
		if err != nil {
			t.Fatal(err)
		}
		if m.GetOutputSize() != 10 || m.GetParameterCount() != 64*64+64+64*10+10 || m.GetLatestVersion() != 1 {
			t.Fatalf("unexpected model %v", m)
		}
	}) {
		t.Fatal("later steps need this one")
	}

	if !t.Run("TrainStreamsProgress", func(t *testing.T) {
		lr := float32(0.003)
		var epochs []int32
		done, err := client.Train(ctx, dc.TrainRequest{
			ModelID: id,
			Data:    &dc.Dataset{Features: xTrain, ClassIDs: yTrain},
			Options: &pb.TrainingOptions{Epochs: 25, BatchSize: 32, LearningRate: &lr, Seed: 5, ValidationSplit: 0.1,
				Optimizer: &pb.OptimizerConfig{Kind: pb.Optimizer_OPTIMIZER_ADAM}},
		}, func(p *pb.EpochProgress) { epochs = append(epochs, p.GetEpoch()) })
		if err != nil {
			t.Fatal(err)
		}
		if len(epochs) != 25 || epochs[0] != 1 || epochs[24] != 25 {
			t.Fatalf("progress epochs %v, want 1..25", epochs)
		}
		if done.GetVersion().GetVersion() < 2 {
			t.Fatalf("published version %d, want >= 2", done.GetVersion().GetVersion())
		}
	}) {
		t.Fatal("later steps need this one")
	}

	t.Run("PredictAccuracy", func(t *testing.T) {
		p, err := client.Predict(ctx, id, xTest, dc.PredictOptions{})
		if err != nil {
			t.Fatal(err)
		}
		correct := 0
		for i, c := range yTest {
			if p.ClassIDs[i] == c {
				correct++
			}
		}
		acc := float64(correct) / float64(len(yTest))
		if acc < 0.95 {
			t.Fatalf("accuracy %.4f < 0.95", acc)
		}
		if p.Outputs.Rows != len(yTest) || p.Outputs.Cols != 10 || p.StdDev.Rows != 0 {
			t.Fatalf("shapes: outputs %dx%d, std rows %d", p.Outputs.Rows, p.Outputs.Cols, p.StdDev.Rows)
		}
		t.Logf("accuracy %.4f", acc)
	})

	t.Run("MonteCarloPredict", func(t *testing.T) {
		p, err := client.Predict(ctx, id, xTest.Slice(0, 16), dc.PredictOptions{MCSamples: 30, Seed: 11})
		if err != nil {
			t.Fatal(err)
		}
		maxStd := float32(0)
		for _, v := range p.StdDev.Data {
			if v > maxStd {
				maxStd = v
			}
		}
		if p.StdDev.Rows != 16 || maxStd <= 0 {
			t.Fatalf("std rows %d, max %g: want 16 rows and std > 0", p.StdDev.Rows, maxStd)
		}
		if len(p.Entropy) != 16 {
			t.Fatalf("entropy for %d rows, want 16", len(p.Entropy))
		}
	})

	t.Run("BackwardMatchesFiniteDifferences", func(t *testing.T) {
		// A small smooth model (tanh: no ReLU kink inside a finite-difference step) with dropout
		// active: Train mode with a fixed seed repeats the masks on every call.
		fdID := id + "-fd"
		if _, err := client.CreateModel(ctx, fdID, dc.Spec(6, pb.Loss_LOSS_SOFTMAX_CROSS_ENTROPY, 2,
			dc.Dense(5), dc.Tanh(), dc.Dropout(0.3), dc.Dense(3))); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = client.DeleteModel(context.Background(), fdID) }()
		rng := rand.New(rand.NewSource(4))
		x := dc.NewMatrix(3, 6)
		for i := range x.Data {
			x.Data[i] = rng.Float32()
		}
		y := []int32{0, 2, 1}
		opts := dc.ForwardOptions{Mode: pb.ForwardMode_FORWARD_MODE_TRAIN, Seed: 5}
		lossAt := func(in dc.Matrix) float64 {
			f, err := client.Forward(ctx, fdID, in, opts)
			if err != nil {
				t.Fatal(err)
			}
			return softmaxCE(f.Outputs, y)
		}
		bw, err := client.Backward(ctx, fdID, x, dc.Upstream{ClassIDs: y}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if bw.Loss == nil || math.Abs(float64(*bw.Loss)-lossAt(x)) > 1e-5*math.Max(1, float64(*bw.Loss)) {
			t.Fatalf("server loss %v vs client loss %v", bw.Loss, lossAt(x))
		}
		const eps = 1e-2
		for k := range x.Data {
			plus := dc.Matrix{Rows: x.Rows, Cols: x.Cols, Data: append([]float32(nil), x.Data...)}
			minus := dc.Matrix{Rows: x.Rows, Cols: x.Cols, Data: append([]float32(nil), x.Data...)}
			plus.Data[k] += eps
			minus.Data[k] -= eps
			numeric := (lossAt(plus) - lossAt(minus)) / (2 * eps)
			analytic := float64(bw.InputGradients.Data[k])
			if math.Abs(numeric-analytic) > 1e-3+1e-2*math.Abs(analytic) {
				t.Fatalf("dLoss/dx[%d]: finite difference %.6f vs backward %.6f", k, numeric, analytic)
			}
		}
		// Parameter gradients of the last dense layer: bias = column sums of dLoss/dOutputs.
		probs := bw.Outputs
		bias := bw.ParameterGradients["dense3.bias"]
		for j := 0; j < 3; j++ {
			want := 0.0
			for i := 0; i < probs.Rows; i++ {
				row := probs.Row(i)
				m, s := math.Inf(-1), 0.0
				for _, v := range row {
					m = math.Max(m, float64(v))
				}
				for _, v := range row {
					s += math.Exp(float64(v) - m)
				}
				p := math.Exp(float64(row[j])-m) / s
				if int32(j) == y[i] {
					p--
				}
				want += p / float64(probs.Rows)
			}
			if math.Abs(float64(bias.Data[j])-want) > 1e-5 {
				t.Fatalf("dense3.bias gradient[%d] = %g, want %g", j, bias.Data[j], want)
			}
		}
	})

	t.Run("UploadedDatasetTrains", func(t *testing.T) {
		up, err := client.UploadDataset(ctx, dc.Dataset{Features: xTrain.Slice(0, 300), ClassIDs: yTrain[:300]}, 64)
		if err != nil {
			t.Fatal(err)
		}
		if up.GetRows() != 300 || up.GetDatasetId() == "" {
			t.Fatalf("upload: %v", up)
		}
		done, err := client.Train(ctx, dc.TrainRequest{ModelID: id, DatasetID: up.GetDatasetId(), Options: &pb.TrainingOptions{Epochs: 1}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if done.GetVersion().GetVersion() < 3 {
			t.Fatalf("published version %d, want >= 3", done.GetVersion().GetVersion())
		}
	})

	t.Run("ApplyGradientsStepsSgd", func(t *testing.T) {
		// With a zero input row, dense0's output is its bias: after one SGD step with
		// learning rate lr it must equal bias - lr * dLoss/dbias.
		zero := dc.NewMatrix(1, 64)
		before, err := client.Forward(ctx, id, zero, dc.ForwardOptions{IncludeActivations: true})
		if err != nil {
			t.Fatal(err)
		}
		bw, err := client.Backward(ctx, id, xTest.Slice(0, 8), dc.Upstream{ClassIDs: yTest[:8]}, dc.ForwardOptions{Version: before.Version})
		if err != nil {
			t.Fatal(err)
		}
		const lr = 0.5
		v, err := client.ApplyGradients(ctx, id, before.Version, bw.ParameterGradients, lr, &pb.OptimizerConfig{Kind: pb.Optimizer_OPTIMIZER_SGD})
		if err != nil {
			t.Fatal(err)
		}
		if v.GetVersion() != before.Version+1 {
			t.Fatalf("published version %d, want %d", v.GetVersion(), before.Version+1)
		}
		after, err := client.Forward(ctx, id, zero, dc.ForwardOptions{IncludeActivations: true})
		if err != nil {
			t.Fatal(err)
		}
		if after.Version != v.GetVersion() {
			t.Fatalf("forward answered version %d, want %d", after.Version, v.GetVersion())
		}
		gb := bw.ParameterGradients["dense0.bias"]
		for j := 0; j < 64; j++ {
			want := before.Activations[0].Output.Data[j] - lr*gb.Data[j]
			if math.Abs(float64(after.Activations[0].Output.Data[j]-want)) > 1e-5 {
				t.Fatalf("dense0 bias[%d] after the step = %g, want %g", j, after.Activations[0].Output.Data[j], want)
			}
		}
	})

	t.Run("DeadlineStopsTrainingAndPublishesNothing", func(t *testing.T) {
		before, err := client.GetModel(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		short, cancelShort := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancelShort()
		_, err = client.Train(short, dc.TrainRequest{ModelID: id, Data: &dc.Dataset{Features: xTrain, ClassIDs: yTrain},
			Options: &pb.TrainingOptions{Epochs: 5000}}, nil)
		if dc.Code(err) != codes.DeadlineExceeded {
			t.Fatalf("got %v, want DEADLINE_EXCEEDED", err)
		}
		var after *pb.Model
		for i := 0; i < 50; i++ { // the server releases the model once its training loop has stopped
			if after, err = client.GetModel(ctx, id); err != nil {
				t.Fatal(err)
			}
			if !after.GetTraining() {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if after.GetLatestVersion() != before.GetLatestVersion() {
			t.Fatalf("latest version %d after an expired training, want %d", after.GetLatestVersion(), before.GetLatestVersion())
		}
	})

	t.Run("BadRequestHasFieldViolation", func(t *testing.T) {
		_, err := client.CreateModel(ctx, id+"-bad", dc.Spec(64, pb.Loss_LOSS_SOFTMAX_CROSS_ENTROPY, 0,
			dc.Dense(8), dc.Dropout(1.5), dc.Dense(2)))
		e, ok := dc.AsError(err)
		if !ok || e.Code != codes.InvalidArgument {
			t.Fatalf("got %v, want INVALID_ARGUMENT", err)
		}
		found := false
		for _, v := range e.FieldViolations {
			found = found || (strings.Contains(v.Field, "rate") && v.Description != "")
		}
		if !found {
			t.Fatalf("no field violation about the rate: %+v", e.FieldViolations)
		}
		if status.Code(err) != codes.InvalidArgument || dc.Code(err) != codes.InvalidArgument {
			t.Fatal("status.Code must see through *Error")
		}
	})

	t.Run("Delete", func(t *testing.T) {
		if err := client.DeleteModel(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := client.GetModel(ctx, id); dc.Code(err) != codes.NotFound {
			t.Fatalf("after delete: %v, want NOT_FOUND", err)
		}
	})
}

func TestMatrixTensorRoundTrip(t *testing.T) {
	m, err := dc.MatrixFromRows([][]float32{{1, -2, 3.5}, {4, 5, float32(math.Inf(1))}})
	if err != nil {
		t.Fatal(err)
	}
	tensor := m.Tensor()
	raw := tensor.GetRaw()
	if len(raw) != 24 || raw[4] != 0 || raw[7] != 0xc0 { // -2.0f = 0xc0000000 little-endian
		t.Fatalf("raw bytes % x", raw)
	}
	back, err := dc.FromTensor(tensor)
	if err != nil || back.Rows != 2 || back.Cols != 3 || back.At(0, 2) != 3.5 || !math.IsInf(float64(back.At(1, 2)), 1) {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	packed := &pb.Tensor{Shape: []int64{3}, Data: &pb.Tensor_Values{Values: &pb.FloatList{Values: []float32{1, 2, 3}}}}
	row, err := dc.FromTensor(packed)
	if err != nil || row.Rows != 1 || row.Cols != 3 || row.At(0, 1) != 2 {
		t.Fatalf("rank-1 packed: %+v, %v", row, err)
	}
	if _, err := dc.FromTensor(&pb.Tensor{Shape: []int64{2, 2}, Data: &pb.Tensor_Raw{Raw: make([]byte, 12)}}); err == nil {
		t.Fatal("a short raw tensor must be rejected")
	}
}

func TestParseLayers(t *testing.T) {
	layers, err := dc.ParseLayers("dense:128:xavier, relu, dropout:0.25, leaky_relu:0.1, dense:10")
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 5 || layers[0].GetDense().GetUnits() != 128 || layers[0].GetDense().GetInit() != pb.WeightInit_WEIGHT_INIT_XAVIER ||
		layers[1].GetRelu() == nil || layers[2].GetDropout().GetRate() != 0.25 || layers[3].GetLeakyRelu().GetSlope() != 0.1 {
		t.Fatalf("parsed %v", layers)
	}
	for _, bad := range []string{"dense", "dropout", "conv:3", "dense:x"} {
		if _, err := dc.ParseLayers(bad); err == nil {
			t.Errorf("ParseLayers(%q) accepted", bad)
		}
	}
	if l, err := dc.ParseLoss("mse"); err != nil || l != pb.Loss_LOSS_MEAN_SQUARED_ERROR {
		t.Errorf("ParseLoss(mse) = %v, %v", l, err)
	}
}

func TestErrorCarriesFieldViolations(t *testing.T) {
	st, err := status.New(codes.InvalidArgument, "invalid spec").WithDetails(&errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "spec.layers[1].dropout.rate", Description: "must be in [0, 1)"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A fake server: a gRPC status travels as an error; the client wraps it.
	wrapped := dc.WrapError(st.Err())
	e, ok := dc.AsError(wrapped)
	if !ok || e.Code != codes.InvalidArgument {
		t.Fatalf("got %v", wrapped)
	}
	v, ok := e.Violation("rate")
	if !ok || v.Description != "must be in [0, 1)" {
		t.Fatalf("violation %+v, %v", v, ok)
	}
	if got := wrapped.Error(); got != "InvalidArgument: invalid spec [spec.layers[1].dropout.rate: must be in [0, 1)]" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestDigitsDataLoads(t *testing.T) {
	xTrain, yTrain, xTest, yTest := loadDigits(t)
	if xTrain.Rows+xTest.Rows != 1797 || xTrain.Cols != 64 || len(yTrain) != xTrain.Rows || len(yTest) != xTest.Rows {
		t.Fatalf("digits: %d+%d rows of %d", xTrain.Rows, xTest.Rows, xTrain.Cols)
	}
	for _, v := range xTrain.Data {
		if v < 0 || v > 1 {
			t.Fatalf("feature %g outside [0, 1]", v)
		}
	}
}

func TestParseShapeAndShapedSpec(t *testing.T) {
	for in, want := range map[string][]int64{"1x8x8": {1, 8, 8}, "3,32,32": {3, 32, 32}, "64": {64}} {
		got, err := dc.ParseShape(in)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ParseShape(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1x0x8", "x", "2xa"} {
		if _, err := dc.ParseShape(bad); err == nil {
			t.Errorf("ParseShape(%q) accepted", bad)
		}
	}
	spec := dc.ShapedSpec([]int64{2, 3, 4}, pb.Loss_LOSS_SOFTMAX_CROSS_ENTROPY, 5, dc.Dense(3))
	if fmt.Sprint(spec.GetInputShape()) != "[2 3 4]" || spec.GetInputSize() != 0 || len(spec.GetLayers()) != 1 {
		t.Fatalf("ShapedSpec: %v", spec)
	}
}

func TestFromTensorHigherRankIsRowsOfFlattenedSamples(t *testing.T) {
	values := make([]float32, 2*2*3*4)
	for i := range values {
		values[i] = float32(i)
	}
	m, err := dc.FromTensor(&pb.Tensor{Shape: []int64{2, 2, 3, 4}, Data: &pb.Tensor_Values{Values: &pb.FloatList{Values: values}}})
	if err != nil || m.Rows != 2 || m.Cols != 24 || m.At(1, 0) != 24 || m.At(1, 23) != 47 {
		t.Fatalf("rank-4 tensor: %+v, %v", m, err)
	}
}

// TestShapedModel creates a model whose samples are shaped ([2, 3, 4], like an image of two
// channels), predicts from flat rows of 24 values, and reads shaped activations.
func TestShapedModel(t *testing.T) {
	addr := serverAddress(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	client, err := dc.Dial(ctx, addr, dc.Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	id := "go-shaped-" + strconv.Itoa(os.Getpid())
	_ = client.DeleteModel(ctx, id)
	defer func() { _ = client.DeleteModel(context.Background(), id) }()
	layers, err := dc.ParseLayers("leaky_relu:0.1,dropout:0.5,dense:6,tanh,dense:3")
	if err != nil {
		t.Fatal(err)
	}
	m, err := client.CreateModel(ctx, id, dc.ShapedSpec([]int64{2, 3, 4}, pb.Loss_LOSS_SOFTMAX_CROSS_ENTROPY, 5, layers...))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m.GetSpec().GetInputShape()) != "[2 3 4]" || m.GetSpec().GetInputSize() != 24 || m.GetParameterCount() != 24*6+6+6*3+3 {
		t.Fatalf("model %v", m)
	}
	x := dc.NewMatrix(2, 24)
	for i := range x.Data {
		x.Data[i] = float32(i%7) / 7
	}
	f, err := client.Forward(ctx, id, x, dc.ForwardOptions{Mode: pb.ForwardMode_FORWARD_MODE_TRAIN, Seed: 3, IncludeActivations: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Activations) != 5 || fmt.Sprint(f.Activations[0].Shape) != "[2 2 3 4]" || f.Activations[0].Output.Cols != 24 ||
		fmt.Sprint(f.Activations[2].Shape) != "[2 6]" || f.Outputs.Rows != 2 || f.Outputs.Cols != 3 {
		t.Fatalf("activations %+v", f.Activations)
	}
	p, err := client.Predict(ctx, id, x, dc.PredictOptions{})
	if err != nil || len(p.ClassIDs) != 2 {
		t.Fatalf("predict: %+v, %v", p, err)
	}
}
