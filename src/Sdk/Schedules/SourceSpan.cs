namespace Distiller.Typed.Schedules;

/// <summary>
/// Where a node sits in its schedule file: a character range (<see cref="Start"/>, <see cref="Length"/>) and
/// 1-based line and column of its first and last position, as compilers print them.
/// </summary>
public readonly record struct SourceSpan(int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
{
    public int End => Start + Length;

    /// <summary>A zero-width span at the start of the file, for findings about the whole file.</summary>
    public static SourceSpan FileStart => new(0, 0, 1, 1, 1, 1);

    public override string ToString() => $"({Line},{Column})-({EndLine},{EndColumn})";
}
