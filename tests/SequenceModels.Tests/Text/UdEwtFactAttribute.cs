namespace SequenceModels.Tests.Text;

/// <summary>
/// A fact that needs the Universal Dependencies English Web Treebank: skipped when
/// <c>$COURSENOTEBOOKS_DATA/ud-ewt</c> (default data root <c>/work/shared/data</c>) is missing.
/// </summary>
public sealed class UdEwtFactAttribute : FactAttribute
{
    public UdEwtFactAttribute()
    {
        if (!Directory.Exists(Folder)) Skip = $"UD-EWT data not found at {Folder}";
    }

    /// <summary>The folder of the treebank's three .conllu files.</summary>
    public static string Folder =>
        Path.Combine(Environment.GetEnvironmentVariable("COURSENOTEBOOKS_DATA") is { Length: > 0 } root ? root : "/work/shared/data", "ud-ewt");
}
