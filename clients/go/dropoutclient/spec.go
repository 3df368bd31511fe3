package dropoutclient

import (
	"fmt"
	"strconv"
	"strings"

	pb "github.com/dropoutservice/dropoutservice/clients/go/dropoutv1"
)

// Spec builds a ModelSpec whose samples are flat vectors of inputSize features.
func Spec(inputSize int32, loss pb.Loss, seed uint64, layers ...*pb.LayerSpec) *pb.ModelSpec {
	return &pb.ModelSpec{InputSize: inputSize, Layers: layers, Loss: loss, Seed: seed}
}

// ShapedSpec builds a ModelSpec whose samples have inputShape (without the batch dimension;
// NCHW, so {channels, height, width} for images). Inputs are then Matrix values of
// product(inputShape) columns, the row-major (NCHW) samples one per row.
func ShapedSpec(inputShape []int64, loss pb.Loss, seed uint64, layers ...*pb.LayerSpec) *pb.ModelSpec {
	return &pb.ModelSpec{InputShape: append([]int64(nil), inputShape...), Layers: layers, Loss: loss, Seed: seed}
}

// ParseShape parses an input shape written "1x8x8" or "1,8,8" (each dimension at least 1).
func ParseShape(s string) ([]int64, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == 'x' || r == 'X' || r == ',' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty shape %q", s)
	}
	shape := make([]int64, len(fields))
	for i, f := range fields {
		d, err := strconv.ParseInt(strings.TrimSpace(f), 10, 32)
		if err != nil || d < 1 {
			return nil, fmt.Errorf("shape %q: dimension %q must be an integer of at least 1", s, f)
		}
		shape[i] = d
	}
	return shape, nil
}

// Dense is a fully connected layer with He initialisation.
func Dense(units int32) *pb.LayerSpec {
	return &pb.LayerSpec{Kind: &pb.LayerSpec_Dense{Dense: &pb.DenseLayer{Units: units}}}
}

// DenseInit is a fully connected layer with the given initialisation.
func DenseInit(units int32, init pb.WeightInit) *pb.LayerSpec {
	return &pb.LayerSpec{Kind: &pb.LayerSpec_Dense{Dense: &pb.DenseLayer{Units: units, Init: init}}}
}

// Relu is max(0, x).
func Relu() *pb.LayerSpec { return &pb.LayerSpec{Kind: &pb.LayerSpec_Relu{Relu: &pb.ReluLayer{}}} }

// Sigmoid is 1 / (1 + e^-x).
func Sigmoid() *pb.LayerSpec {
	return &pb.LayerSpec{Kind: &pb.LayerSpec_Sigmoid{Sigmoid: &pb.SigmoidLayer{}}}
}

// Tanh is tanh(x).
func Tanh() *pb.LayerSpec { return &pb.LayerSpec{Kind: &pb.LayerSpec_Tanh{Tanh: &pb.TanhLayer{}}} }

// LeakyRelu is x for x > 0 and slope*x otherwise.
func LeakyRelu(slope float32) *pb.LayerSpec {
	return &pb.LayerSpec{Kind: &pb.LayerSpec_LeakyRelu{LeakyRelu: &pb.LeakyReluLayer{Slope: &slope}}}
}

// Dropout drops units with probability rate in training (inverted dropout).
func Dropout(rate float32) *pb.LayerSpec {
	return &pb.LayerSpec{Kind: &pb.LayerSpec_Dropout{Dropout: &pb.DropoutLayer{Rate: rate}}}
}

// ParseLayers parses "dense:128,relu,dropout:0.2,dense:10" (also leaky_relu:0.1, sigmoid, tanh,
// dense:64:xavier).
func ParseLayers(s string) ([]*pb.LayerSpec, error) {
	var layers []*pb.LayerSpec
	for _, item := range strings.Split(s, ",") {
		parts := strings.Split(strings.TrimSpace(item), ":")
		kind, args := strings.ToLower(parts[0]), parts[1:]
		switch {
		case kind == "dense" && (len(args) == 1 || len(args) == 2):
			units, err := strconv.ParseInt(args[0], 10, 32)
			if err != nil {
				return nil, fmt.Errorf("layer %q: units: %w", item, err)
			}
			init := pb.WeightInit_WEIGHT_INIT_UNSPECIFIED
			if len(args) == 2 {
				v, ok := pb.WeightInit_value["WEIGHT_INIT_"+strings.ToUpper(args[1])]
				if !ok {
					return nil, fmt.Errorf("layer %q: unknown init %q", item, args[1])
				}
				init = pb.WeightInit(v)
			}
			layers = append(layers, DenseInit(int32(units), init))
		case (kind == "dropout" || kind == "leaky_relu") && len(args) == 1:
			v, err := strconv.ParseFloat(args[0], 32)
			if err != nil {
				return nil, fmt.Errorf("layer %q: %w", item, err)
			}
			if kind == "dropout" {
				layers = append(layers, Dropout(float32(v)))
			} else {
				layers = append(layers, LeakyRelu(float32(v)))
			}
		case kind == "relu" && len(args) == 0:
			layers = append(layers, Relu())
		case kind == "sigmoid" && len(args) == 0:
			layers = append(layers, Sigmoid())
		case kind == "tanh" && len(args) == 0:
			layers = append(layers, Tanh())
		case kind == "leaky_relu" && len(args) == 0:
			layers = append(layers, &pb.LayerSpec{Kind: &pb.LayerSpec_LeakyRelu{LeakyRelu: &pb.LeakyReluLayer{}}})
		default:
			return nil, fmt.Errorf("unknown layer %q (want dense:N[:init], relu, leaky_relu[:slope], sigmoid, tanh, dropout:RATE)", item)
		}
	}
	return layers, nil
}

// ParseLoss maps "softmax_cross_entropy", "mean_squared_error" (or "mse"),
// "binary_cross_entropy_with_logits" (or "bce") to the enum.
func ParseLoss(s string) (pb.Loss, error) {
	aliases := map[string]string{"mse": "MEAN_SQUARED_ERROR", "bce": "BINARY_CROSS_ENTROPY_WITH_LOGITS", "cross_entropy": "SOFTMAX_CROSS_ENTROPY"}
	name := strings.ToUpper(s)
	if a, ok := aliases[strings.ToLower(s)]; ok {
		name = a
	}
	v, ok := pb.Loss_value["LOSS_"+strings.TrimPrefix(name, "LOSS_")]
	if !ok || v == 0 {
		return 0, fmt.Errorf("unknown loss %q", s)
	}
	return pb.Loss(v), nil
}

// ParseOptimizer maps "sgd", "momentum", "nesterov", "rmsprop", "adam" to the enum.
func ParseOptimizer(s string) (pb.Optimizer, error) {
	v, ok := pb.Optimizer_value["OPTIMIZER_"+strings.TrimPrefix(strings.ToUpper(s), "OPTIMIZER_")]
	if !ok || v == 0 {
		return 0, fmt.Errorf("unknown optimizer %q", s)
	}
	return pb.Optimizer(v), nil
}

// ParseMode maps "eval", "train", "mc_dropout" to the enum.
func ParseMode(s string) (pb.ForwardMode, error) {
	v, ok := pb.ForwardMode_value["FORWARD_MODE_"+strings.TrimPrefix(strings.ToUpper(s), "FORWARD_MODE_")]
	if !ok || v == 0 {
		return 0, fmt.Errorf("unknown mode %q", s)
	}
	return pb.ForwardMode(v), nil
}
