using DropoutService.Api.V1;
using DropoutService.Server.Errors;
using Google.Protobuf.Collections;
using EngineModel = DropoutService.Engine.Models.Model;

namespace DropoutService.Server.Mapping;

/// <summary>Caller-supplied gradients into a model's parameter gradients: one per parameter, by layer and name, of its shape.</summary>
public static class GradientMapper
{
    public static void CopyInto(RepeatedField<ParameterGradient> gradients, EngineModel model, Violations v)
    {
        var byName = model.Parameters.ToDictionary(p => p.FullName, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < gradients.Count; i++)
        {
            var g = gradients[i];
            string field = $"gradients[{i}]";
            string name = $"{g.Layer}.{g.Name}";
            if (!byName.TryGetValue(name, out var parameter))
            {
                v.Add($"{field}.layer", $"the model has no parameter '{name}' (parameters: {string.Join(", ", byName.Keys)})");
                continue;
            }
            if (!seen.Add(name))
            {
                v.Add(field, $"duplicate gradient for '{name}'");
                continue;
            }
            var t = TensorMapper.ToEngine(g.Gradient, $"{field}.gradient", parameter.Value.Columns, v);
            if (t is not null && v.Check(t.Rows == parameter.Value.Rows, $"{field}.gradient.shape",
                $"shape mismatch: '{name}' has shape [{parameter.Value.Rows}, {parameter.Value.Columns}], got [{t.Rows}, {t.Columns}]"))
            {
                t.CopyTo(parameter.Gradient);
            }
        }
        foreach (var name in byName.Keys.Where(n => !seen.Contains(n)))
        {
            v.Add("gradients", $"missing gradient for '{name}': every parameter needs one");
        }
    }
}
