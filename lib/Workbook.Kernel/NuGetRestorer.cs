using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Workbook.Kernel;

/// <summary>A package asked for by <c>#r "nuget: Id, Version"</c>.</summary>
public sealed record PackageReference(string Id, string? Version)
{
    /// <summary>Parses the argument of <c>#r "nuget: Id[, Version]"</c>.</summary>
    public static PackageReference Parse(string argument)
    {
        var spec = argument["nuget:".Length..].Trim();
        var parts = spec.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || parts[0].Length == 0 || parts[0].Any(char.IsWhiteSpace))
            throw new KernelException($"#r \"{argument}\" is not of the form #r \"nuget: Id, Version\".");
        return new PackageReference(parts[0], parts.Length == 2 && parts[1].Length > 0 ? parts[1] : null);
    }

    /// <inheritdoc />
    public override string ToString() => Version is null ? Id : $"{Id} {Version}";
}

/// <summary>
/// Restores NuGet packages for real, as the Polyglot Notebooks kernel does: a generated project lists every package
/// the notebook asked for, the SDK restores it (offline from the local package cache when the packages are there), and
/// an MSBuild target writes the runtime assemblies it resolved. The result is cached per package set.
/// </summary>
internal sealed class NuGetRestorer
{
    private readonly string _dotnet;
    private readonly string _cacheRoot;

    public NuGetRestorer(string dotnet, string? cacheRoot = null)
    {
        _dotnet = dotnet;
        _cacheRoot = cacheRoot ?? Path.Combine(CacheHome(), "coursenotebooks", "nuget-restore");
    }

    /// <summary>The assemblies (full paths) of the given packages and their dependencies.</summary>
    public IReadOnlyList<string> Restore(IReadOnlyList<PackageReference> packages, IReadOnlyList<string> sources)
    {
        var resolved = packages.Select(p => p with { Version = p.Version ?? NewestCached(p.Id) ?? "*" }).ToList();
        var key = Key(resolved, sources);
        var dir = Path.Combine(_cacheRoot, key);
        var listFile = Path.Combine(dir, "references.txt");
        if (TryReadList(listFile) is { } cached) return cached;

        Directory.CreateDirectory(dir);
        using (AcquireLock(Path.Combine(dir, ".lock")))
        {
            if (TryReadList(listFile) is { } again) return again;
            File.WriteAllText(Path.Combine(dir, "restore.csproj"), Project(resolved, sources));
            var (exitCode, output) = RunDotnet(dir, "msbuild", "restore.csproj", "-restore", "-t:WriteReferences", "-nologo",
                "-v:q", "-p:NuGetAudit=false");
            if (exitCode != 0)
                throw new KernelException(
                    $"Restoring {string.Join(", ", resolved)} failed:{Environment.NewLine}{Summarise(output)}");
            return TryReadList(listFile) ?? throw new KernelException($"Restore wrote no reference list in {dir}.");
        }
    }

    /// <summary>The highest version of a package already in the global packages folder, so no feed is needed.</summary>
    private static string? NewestCached(string id)
    {
        var folder = Path.Combine(GlobalPackagesFolder(), id.ToLowerInvariant());
        if (!Directory.Exists(folder)) return null;
        return Directory.GetDirectories(folder)
            .Select(Path.GetFileName)
            .Where(v => v is not null && File.Exists(Path.Combine(folder, v, $"{id.ToLowerInvariant()}.nuspec")))
            .Select(v => (Text: v!, Parsed: Version.TryParse(v!.Split('-')[0], out var pv) ? pv : new Version(0, 0)))
            .Where(v => !v.Text.Contains('-'))
            .OrderByDescending(v => v.Parsed)
            .Select(v => v.Text)
            .FirstOrDefault();
    }

    private static string Project(IEnumerable<PackageReference> packages, IReadOnlyList<string> sources)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<Project Sdk=\"Microsoft.NET.Sdk\">");
        sb.AppendLine("  <PropertyGroup>");
        sb.AppendLine("    <TargetFramework>net10.0</TargetFramework>");
        sb.AppendLine("    <EnableDefaultItems>false</EnableDefaultItems>");
        sb.AppendLine("    <ImplicitUsings>disable</ImplicitUsings>");
        if (sources.Count > 0)
            sb.AppendLine($"    <RestoreAdditionalProjectSources>{Escape(string.Join(';', sources))}</RestoreAdditionalProjectSources>");
        sb.AppendLine("  </PropertyGroup>");
        sb.AppendLine("  <ItemGroup>");
        foreach (var p in packages)
            sb.AppendLine($"    <PackageReference Include=\"{Escape(p.Id)}\" Version=\"{Escape(p.Version!)}\" />");
        sb.AppendLine("  </ItemGroup>");
        sb.AppendLine("  <Target Name=\"WriteReferences\" DependsOnTargets=\"ResolvePackageAssets\">");
        sb.AppendLine("    <WriteLinesToFile File=\"$(MSBuildProjectDirectory)/references.txt\" " +
                      "Lines=\"@(RuntimeCopyLocalItems->'%(FullPath)')\" Overwrite=\"true\" />");
        sb.AppendLine("  </Target>");
        sb.AppendLine("</Project>");
        return sb.ToString();
    }

    private (int ExitCode, string Output) RunDotnet(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(_dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["MSBUILDNOINPROCNODE"] = "1";
        using var process = Process.Start(info) ?? throw new KernelException($"Could not start {_dotnet}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static IReadOnlyList<string>? TryReadList(string path)
    {
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        return lines.All(File.Exists) ? lines : null;
    }

    private static IDisposable AcquireLock(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(200); // another kernel restores the same packages
            }
        }
    }

    private static string Key(IEnumerable<PackageReference> packages, IEnumerable<string> sources)
    {
        var text = string.Join('\n', packages.Select(p => $"{p.Id.ToLowerInvariant()}/{p.Version}").Order())
                   + "\n" + string.Join('\n', sources) + "\n" + Environment.Version;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private static string Summarise(string output) =>
        string.Join(Environment.NewLine, output.Split('\n').Select(l => l.TrimEnd())
            .Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(10)) is { Length: > 0 } errors
            ? errors
            : output.Trim();

    private static string Escape(string s) => System.Security.SecurityElement.Escape(s);

    private static string CacheHome() =>
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}

/// <summary>A problem the kernel reports as the cell's error (a bad directive, a failed restore).</summary>
public sealed class KernelException(string message) : Exception(message);
