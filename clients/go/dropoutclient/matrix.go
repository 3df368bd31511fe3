package dropoutclient

import (
	"encoding/binary"
	"fmt"
	"math"

	pb "github.com/dropoutservice/dropoutservice/clients/go/dropoutv1"
)

// Matrix is a row-major float32 matrix: element (i, j) is Data[i*Cols+j].
type Matrix struct {
	Rows, Cols int
	Data       []float32
}

// NewMatrix returns a zero matrix.
func NewMatrix(rows, cols int) Matrix {
	return Matrix{Rows: rows, Cols: cols, Data: make([]float32, rows*cols)}
}

// MatrixFromRows copies equally long rows into a Matrix.
func MatrixFromRows(rows [][]float32) (Matrix, error) {
	if len(rows) == 0 {
		return Matrix{}, nil
	}
	m := NewMatrix(len(rows), len(rows[0]))
	for i, r := range rows {
		if len(r) != m.Cols {
			return Matrix{}, fmt.Errorf("row %d has %d values, row 0 has %d", i, len(r), m.Cols)
		}
		copy(m.Data[i*m.Cols:], r)
	}
	return m, nil
}

// At returns element (i, j).
func (m Matrix) At(i, j int) float32 { return m.Data[i*m.Cols+j] }

// Row returns row i (shares memory).
func (m Matrix) Row(i int) []float32 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// Slice returns rows [start, end) (shares memory).
func (m Matrix) Slice(start, end int) Matrix {
	return Matrix{Rows: end - start, Cols: m.Cols, Data: m.Data[start*m.Cols : end*m.Cols]}
}

// Tensor encodes m as raw little-endian float32 bytes (the fastest wire form).
func (m Matrix) Tensor() *pb.Tensor {
	raw := make([]byte, 4*len(m.Data))
	for i, v := range m.Data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return &pb.Tensor{Shape: []int64{int64(m.Rows), int64(m.Cols)}, Data: &pb.Tensor_Raw{Raw: raw}}
}

// FromTensor decodes a tensor in either encoding as a matrix: rank 1 as one row, rank 2 as is,
// and a higher rank [d0, d1, ...] (e.g. NCHW image activations) as d0 rows of d1*d2*... columns,
// row-major, the same elements in the same order (its shape is in the tensor's Shape field).
func FromTensor(t *pb.Tensor) (Matrix, error) {
	if t == nil {
		return Matrix{}, nil
	}
	shape := t.GetShape()
	var rows, cols int
	switch len(shape) {
	case 0:
		return Matrix{}, fmt.Errorf("tensor of rank 0")
	case 1:
		rows, cols = 1, int(shape[0])
	default:
		rows, cols = int(shape[0]), 1
		for _, d := range shape[1:] {
			cols *= int(d)
		}
	}
	m := Matrix{Rows: rows, Cols: cols}
	switch d := t.GetData().(type) {
	case *pb.Tensor_Raw:
		if len(d.Raw) != 4*rows*cols {
			return Matrix{}, fmt.Errorf("tensor %v has %d raw bytes, want %d", shape, len(d.Raw), 4*rows*cols)
		}
		m.Data = make([]float32, rows*cols)
		for i := range m.Data {
			m.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.Raw[4*i:]))
		}
	case *pb.Tensor_Values:
		if len(d.Values.GetValues()) != rows*cols {
			return Matrix{}, fmt.Errorf("tensor %v has %d values, want %d", shape, len(d.Values.GetValues()), rows*cols)
		}
		m.Data = append([]float32(nil), d.Values.GetValues()...)
	default:
		m.Data = make([]float32, rows*cols)
	}
	return m, nil
}
