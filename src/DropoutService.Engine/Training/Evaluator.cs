using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Training;

/// <summary>Loss and accuracy of a model on a dataset, in evaluation mode.</summary>
public static class Evaluator
{
    /// <summary>Mean loss over every example, and accuracy for classifiers (null otherwise).</summary>
    public static (float Loss, float? Accuracy) Evaluate(Model model, Dataset data, int batchSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.Count == 0)
        {
            throw new ArgumentException("Cannot evaluate on an empty dataset.", nameof(data));
        }
        var order = new int[Math.Min(batchSize, data.Count)];
        var batch = new MinibatchBuffer(data, order.Length);
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            for (int i = 0; i < count; i++)
            {
                order[i] = start + i;
            }
            batch.Gather(order.AsSpan(0, count));
            Tensor output = model.Predict(batch.Features);
            lossSum += (double)model.Loss.Compute(output, batch.Targets, null) * count;
            if (model.Spec.IsClassifier)
            {
                correct += Accuracy.CountCorrect(output, batch.ClassIds);
            }
        }
        return ((float)(lossSum / data.Count), model.Spec.IsClassifier ? (float)correct / data.Count : null);
    }
}
