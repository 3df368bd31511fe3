using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Training;

/// <summary>Classification accuracy from raw outputs (argmax of each row; logits and probabilities agree).</summary>
public static class Accuracy
{
    /// <summary>Number of rows whose argmax equals the class id.</summary>
    public static int CountCorrect(Tensor outputs, ReadOnlySpan<int> classIds)
    {
        int correct = 0;
        for (int r = 0; r < outputs.Rows; r++)
        {
            if (TensorPrimitives.IndexOfMax(outputs.Row(r)) == classIds[r])
            {
                correct++;
            }
        }
        return correct;
    }
}
