using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The <c>tensor</c> of format 2's layer records (docs/checkpoint-format.md): string name, u8 rank,
/// i32 dimensions, float32 values; read only when name and shape are the ones a spec declares.
/// </summary>
internal static class CheckpointTensors
{
    // tensor := string name, u8 rank, i32[rank] dims, f32[product] values
    public static long Bytes(string name, TensorShape shape) =>
        4 + System.Text.Encoding.UTF8.GetByteCount(name) + 1 + 4L * shape.Rank + 4L * shape.Length;

    public static void Write(ref PayloadWriter w, string name, Tensor value)
    {
        w.WriteString(name, $"tensor name '{name}'");
        w.WriteByte((byte)value.Rank);
        for (int d = 0; d < value.Rank; d++)
        {
            w.WriteInt32(value.Shape[d]);
        }
        w.WriteSingles(value.Span);
    }

    public static Tensor Read(ref PayloadReader r, string fullName, string expectedName, TensorShape expected, string what)
    {
        string name = r.ReadString($"{what} {fullName} name");
        if (name != expectedName)
        {
            throw r.Corrupted($"a {what} of {fullName[..fullName.IndexOf('.')]} is named '{name}', the spec implies '{expectedName}' there.");
        }
        int rank = r.ReadByte($"{what} {fullName} rank");
        if (rank is < 1 or > TensorShape.MaxRank)
        {
            throw r.Corrupted($"{what} {fullName} has rank {rank}, the spec implies {expected.Rank}.");
        }
        Span<int> dims = stackalloc int[rank];
        bool same = rank == expected.Rank;
        for (int d = 0; d < rank; d++)
        {
            dims[d] = r.ReadInt32($"{what} {fullName} dimension {d}");
            if (same && dims[d] != expected[d])
            {
                same = false;
            }
        }
        if (!same)
        {
            throw r.Corrupted($"{what} {fullName} has shape [{string.Join(", ", dims.ToArray())}], the spec implies {expected}.");
        }
        r.EnsureSingles(expected.Length, $"{what} {fullName}");
        var value = new Tensor(expected);
        r.ReadSingles(value.Span, $"{what} {fullName}");
        return value;
    }

    public static TensorShape ToShape(ref PayloadReader r, scoped ReadOnlySpan<int> dims, string field)
    {
        try
        {
            return new TensorShape(dims);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw r.Corrupted($"{field} is too large: {e.Message}", e);
        }
    }
}
