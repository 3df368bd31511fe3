using System.Runtime.CompilerServices;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Tests.TestSupport.Probe;
using DropoutService.Engine.Tests.TestSupport.RunningMean;

namespace DropoutService.Engine.Tests.TestSupport;

/// <summary>Registers the test-only layer types once, before any test of this assembly runs.</summary>
internal static class TestLayerTypes
{
    [ModuleInitializer]
    internal static void Register()
    {
        LayerTypes.Register(RunningMeanSpec.Descriptor);
        LayerTypes.Register(ProbeSpec.Descriptor);
    }
}
