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

    /// <summary>A corpus shipped in the repository's data/ folder (compressed), e.g. <c>Corpus("gmb", "ner_dataset.csv.gz")</c>.</summary>
    public static string Corpus(params string[] parts) => Path.Combine([RepoRoot, "data", .. parts]);
}
