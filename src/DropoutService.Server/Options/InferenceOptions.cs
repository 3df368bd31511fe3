using System.ComponentModel.DataAnnotations;
using DropoutService.Server.Models;

namespace DropoutService.Server.Options;

/// <summary>How Predict, Forward and Backward run (configuration section <c>Inference</c>).</summary>
public sealed class InferenceOptions : IValidatableObject
{
    public const string Section = "Inference";

    /// <summary>
    /// The engine runs a request (or a batch) in passes of at most this many rows: workspaces are
    /// sized by one pass, and cancellation is checked between passes (as well as between layers
    /// and Monte-Carlo samples).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxRowsPerPass { get; set; } = 256;

    /// <summary>Dynamic batching of concurrent Predict (and eval-mode Forward) calls.</summary>
    public BatchingOptions Batching { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        Check(Batching, "Inference:Batching", results);
        foreach (var (id, overrides) in Batching.Models)
        {
            string key = $"Inference:Batching:Models:{id}";
            if (!ModelId.IsValid(id.ToLowerInvariant()))
            {
                results.Add(new ValidationResult($"{key}: '{id}' is not a model id ({ModelId.Rule}).", [nameof(Batching)]));
            }
            Check(overrides, key, results);
        }
        return results;
    }

    private static void Check(object options, string key, List<ValidationResult> results)
    {
        var nested = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), nested, validateAllProperties: true);
        results.AddRange(nested.Select(r => new ValidationResult($"{key}: {r.ErrorMessage}", [nameof(Batching)])));
    }
}
