using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Distiller.Typed.Benchmarks.ResNet20).Assembly).Run(args);
