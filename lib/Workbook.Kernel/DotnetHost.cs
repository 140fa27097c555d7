using System.Runtime.InteropServices;

namespace Workbook.Kernel;

/// <summary>Finds the dotnet host executable (for starting kernels and restoring packages).</summary>
public static class DotnetHost
{
    /// <summary>DOTNET_HOST_PATH when set (the SDK sets it for child processes), else the host beside this runtime.</summary>
    public static string Path()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } set && File.Exists(set)) return set;
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        // .../dotnet/shared/Microsoft.NETCore.App/10.0.x/ → .../dotnet/dotnet
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(runtime, "..", "..", ".."));
        var candidate = System.IO.Path.Combine(root, exe);
        return File.Exists(candidate) ? candidate : exe;
    }
}
