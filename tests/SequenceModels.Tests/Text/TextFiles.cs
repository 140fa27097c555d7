using System.Runtime.CompilerServices;

namespace SequenceModels.Tests.Text;

/// <summary>Where the text tests find their fixtures, the repository's data/ folder and the real GMB corpus.</summary>
internal static class TextFiles
{
    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>A file in Text/Fixtures (read from the source tree, so the project file needs no copy rule).</summary>
    public static string Fixture(string name) => Path.Combine(Here(), "Fixtures", name);

    /// <summary>The repository root: the folder holding CourseNotebooks.sln.</summary>
    public static string RepoRoot => FindRepoRoot() ?? throw new InvalidOperationException("CourseNotebooks.sln not found above " + Here());

    private static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Here()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CourseNotebooks.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>
    /// ner_dataset.csv if it exists: COURSENOTEBOOKS_DATA (the file itself, or the shared data folder holding
    /// gmb/ner_dataset.csv), then ../shared/data next to the repository, then /work/shared/data. Null otherwise.
    /// </summary>
    public static string? GmbCorpus
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("COURSENOTEBOOKS_DATA");
            string[] candidates =
            [
                .. env is null ? Array.Empty<string>() : [env, Path.Combine(env, "gmb", "ner_dataset.csv")],
                .. FindRepoRoot() is { } root ? [Path.Combine(root, "..", "shared", "data", "gmb", "ner_dataset.csv")] : Array.Empty<string>(),
                "/work/shared/data/gmb/ner_dataset.csv",
            ];
            return candidates.FirstOrDefault(File.Exists);
        }
    }
}

/// <summary>A fact that runs only where the real GMB corpus is available, and is skipped (not failed) elsewhere.</summary>
public sealed class GmbCorpusFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the corpus is missing.</summary>
    public GmbCorpusFactAttribute()
    {
        if (TextFiles.GmbCorpus is null)
            Skip = "ner_dataset.csv not found (set COURSENOTEBOOKS_DATA to the file or to the shared data folder)";
    }
}
