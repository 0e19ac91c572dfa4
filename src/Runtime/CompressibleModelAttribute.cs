namespace Distiller.Typed;

/// <summary>
/// Marks a TorchSharp module class whose parameter and module names schedules are checked against at compile
/// time. The source generator emits a typed builder for every schedule bound to the class.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CompressibleModelAttribute : Attribute
{
}
