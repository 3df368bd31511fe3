namespace DropoutService.Server.Jobs;

/// <summary>How a job was started: StartTraining jobs survive their caller and restarts; Train jobs end with their call.</summary>
public enum JobOrigin
{
    StartTraining = 1,
    Train = 2,
}
