using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Distiller.Typed.Generators.Benchmarks.GeneratorRunBenchmarks).Assembly).Run(args);
