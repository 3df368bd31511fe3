namespace DropoutService.Server.Security;

/// <summary>
/// The role each dropout.v1 method needs, and whether it changes state (and so is audited). One
/// table for the whole API, applied as endpoint metadata (<see cref="SecurityEndpointExtensions"/>),
/// never as checks inside services. A method missing from the table needs <c>admin</c> and is
/// audited: new RPCs are closed until someone decides (a test lists every method of the contract).
/// </summary>
public static class RpcPermissions
{
    private static readonly Dictionary<string, RpcPermission> s_table = new(StringComparer.Ordinal)
    {
        ["/dropout.v1.ModelService/GetModel"] = new(Roles.Predict, false),
        ["/dropout.v1.ModelService/ListModels"] = new(Roles.Predict, false),
        ["/dropout.v1.ModelService/ListModelVersions"] = new(Roles.Predict, false),
        ["/dropout.v1.ModelService/GetServerInfo"] = new(Roles.Predict, false),
        ["/dropout.v1.InferenceService/Predict"] = new(Roles.Predict, false),
        ["/dropout.v1.InferenceService/Forward"] = new(Roles.Predict, false),
        ["/dropout.v1.InferenceService/Backward"] = new(Roles.Train, false),
        ["/dropout.v1.ModelService/CreateModel"] = new(Roles.Train, true),
        ["/dropout.v1.TrainingService/Train"] = new(Roles.Train, true),
        ["/dropout.v1.TrainingService/UploadDataset"] = new(Roles.Train, true),
        ["/dropout.v1.TrainingService/ApplyGradients"] = new(Roles.Train, true),
        // Jobs and stored datasets belong to training. Jobs carry no owner yet, so "admin for
        // others' jobs" cannot be told apart: CancelJob needs train (see docs/operations.md).
        ["/dropout.v1.JobService/StartTraining"] = new(Roles.Train, true),
        ["/dropout.v1.JobService/GetJob"] = new(Roles.Train, false),
        ["/dropout.v1.JobService/ListJobs"] = new(Roles.Train, false),
        ["/dropout.v1.JobService/WatchJob"] = new(Roles.Train, false),
        ["/dropout.v1.JobService/CancelJob"] = new(Roles.Train, true),
        ["/dropout.v1.TrainingService/GetDataset"] = new(Roles.Train, false),
        ["/dropout.v1.TrainingService/ListDatasets"] = new(Roles.Train, false),
        ["/dropout.v1.TrainingService/DeleteDataset"] = new(Roles.Train, true),
        ["/dropout.v1.ModelService/DeleteModel"] = new(Roles.Admin, true),
    };

    private static readonly RpcPermission s_unlisted = new(Roles.Admin, true);

    /// <summary>Methods with an explicit entry (full names, <c>/package.Service/Method</c>).</summary>
    public static IReadOnlyCollection<string> Listed => s_table.Keys;

    /// <summary>The permission of a method by its full name; unlisted methods need admin and are audited.</summary>
    public static RpcPermission For(string fullMethod) => s_table.GetValueOrDefault(fullMethod, s_unlisted);

    public static bool IsListed(string fullMethod) => s_table.ContainsKey(fullMethod);
}

