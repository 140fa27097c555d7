namespace Workbook.Notebooks;

/// <summary>A process and its descendants, read from Linux's /proc (empty elsewhere).</summary>
internal static class ProcessTree
{
    /// <summary><paramref name="pid"/> and every process below it.</summary>
    public static IEnumerable<int> Of(int pid)
    {
        yield return pid;
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                children.AddRange(File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // not Linux, or the process ended meanwhile
        }
        foreach (var child in children)
            foreach (var p in Of(child)) yield return p;
    }

    /// <summary>The resident memory (VmRSS) of the process tree, in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        long total = 0;
        foreach (var p in Of(pid))
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{p}/status"))
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                        total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // ended meanwhile
            }
        }
        return total;
    }
}
