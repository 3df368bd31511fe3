namespace DropoutService.Server.Inference;

/// <summary>Rows [RequestRow, RequestRow + Rows) of a request, at rows [PassRow, PassRow + Rows) of one engine pass.</summary>
internal readonly record struct Segment(InferenceRequest Request, int RequestRow, int PassRow, int Rows);
