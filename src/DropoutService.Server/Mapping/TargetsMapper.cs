using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Server.Errors;
using Google.Protobuf.Collections;
using ApiTensor = DropoutService.Api.V1.Tensor;
using EngineTensor = DropoutService.Engine.Tensors.Tensor;

namespace DropoutService.Server.Mapping;

/// <summary>Class ids or target values from the wire, checked against the model's loss and output size.</summary>
public static class TargetsMapper
{
    /// <summary>
    /// Returns (class ids, values) with exactly one set, matching the loss; violations name
    /// <paramref name="classIdsField"/> or <paramref name="valuesField"/>.
    /// </summary>
    public static (int[]? ClassIds, EngineTensor? Values) ToEngine(RepeatedField<int> classIds, ApiTensor? values, int rows, ModelSpec spec, int outputSize,
        string classIdsField, string valuesField, Violations v)
    {
        if (spec.Loss == LossKind.SoftmaxCrossEntropy)
        {
            v.Check(values is null, valuesField, "must not be set for a softmax cross-entropy model: use class ids");
            if (!v.Check(classIds.Count == rows, classIdsField, $"shape mismatch: needs one class id per row ({rows}), got {classIds.Count}"))
            {
                return (null, null);
            }
            var ids = new int[rows];
            for (int i = 0; i < rows; i++)
            {
                int c = classIds[i];
                if (c < 0 || c >= outputSize)
                {
                    v.Add($"{classIdsField}[{i}]", $"class id {c} is out of range [0, {outputSize})");
                    return (null, null);
                }
                ids[i] = c;
            }
            return (ids, null);
        }
        v.Check(classIds.Count == 0, classIdsField, $"must be empty for a {spec.Loss} model: use target values");
        var t = TensorMapper.ToEngine(values, valuesField, outputSize, v);
        if (t is null)
        {
            return (null, null);
        }
        if (!v.Check(t.Rows == rows, $"{valuesField}.shape", $"shape mismatch: needs {rows} rows (one per input row), got {t.Rows}"))
        {
            return (null, null);
        }
        if (spec.Loss == LossKind.BinaryCrossEntropyWithLogits)
        {
            var span = t.Span;
            for (int i = 0; i < span.Length; i++)
            {
                if (span[i] is < 0f or > 1f)
                {
                    v.Add(valuesField, $"element {i} is {span[i]}; binary cross-entropy targets must be in [0, 1]");
                    return (null, null);
                }
            }
        }
        return (null, t);
    }

    public static Targets ToTargets(int[]? classIds, EngineTensor? values) =>
        classIds is not null ? Targets.FromClassIds(classIds) : Targets.FromValues(values!);
}
