namespace DropoutService.Engine.Layers;

/// <summary>
/// The dropout key of consecutive rows of a batch stacked from independent requests
/// (<see cref="ForwardPass.Blocks"/>): its <see cref="Rows"/> rows are rows
/// [<see cref="FirstRow"/>, <see cref="FirstRow"/> + <see cref="Rows"/>) of a request whose masks
/// come from <see cref="Seed"/>. Dropout draws them exactly as if that request ran alone: mask
/// (<see cref="Seed"/>, pass step, layer) at element indices counted from the request's first row.
/// </summary>
/// <param name="Rows">Rows in the block (at least 1).</param>
/// <param name="Seed">The request's mask seed.</param>
/// <param name="FirstRow">Index of the block's first row within its request (0 unless a request was split over blocks).</param>
public readonly record struct MaskBlock(int Rows, ulong Seed, int FirstRow = 0);
