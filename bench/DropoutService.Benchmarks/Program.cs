using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project bench/DropoutService.Benchmarks -- --filter '*'
// (see bench/README.md for the figures and how they compare with ../shared/anchors/run.sh).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
