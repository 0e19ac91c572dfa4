using System.Linq;

namespace Distiller.Typed.Text;

/// <summary>
/// DataParallel wraps a model (or a part of it, as torchvision's AlexNet wraps <c>features</c>) as <c>module</c>, so
/// schedules written for it say <c>module.layer1.0.conv1.weight</c> or <c>features.module.0.weight</c>. Like
/// Distiller's <c>normalize_module_name</c>, a name the model lacks is retried without its <c>module</c> segments;
/// one rule for the generator (DTS106) and the runtime's name resolution.
/// </summary>
public static class DataParallelNames
{
    public static string WithoutModuleSegments(string name) =>
        string.Join(".", name.Split('.').Where(segment => segment != "module"));
}
