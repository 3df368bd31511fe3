// Every test class starts real servers and some train models: on a 2-core machine, running them
// one at a time keeps the bounded-time assertions (cancellation) meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
