using Distiller.Typed.Schedules;

namespace Distiller.Typed.Catalogue;

/// <summary>
/// A class Distiller or PyTorch has that a schedule cannot use here, and why (it takes a Python callable,
/// other scheduler objects, or TorchSharp lacks it). Naming it gets a clear diagnostic instead of "unknown class".
/// </summary>
public sealed record UnsupportedComponent(string ClassName, ScheduleSection Section, string Reason);
