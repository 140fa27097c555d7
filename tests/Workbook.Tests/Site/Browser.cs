using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using Workbook.Notebooks;

namespace Workbook.Tests.Site;

/// <summary>
/// One headless Chromium (Debian's, driven by Playwright) for a test class, with the network blocked: a page may load
/// only file:// addresses and the local static server's.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    /// <summary>Chromium from COURSENOTEBOOKS_CHROMIUM or the PATH.</summary>
    public static async Task<Browser> LaunchAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("COURSENOTEBOOKS_CHROMIUM") is { Length: > 0 } set ? set
            : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
              ?? throw new InvalidOperationException("Chromium not found (apt-get install chromium).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // No DNS for anything but this machine: a page that tried the network would fail, not hang.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>
    /// A new page (in its own context, 1200 × 900) whose console errors, uncaught exceptions and blocked requests are
    /// collected in <paramref name="problems"/>.
    /// </summary>
    public async Task<IPage> NewPageAsync(List<string> problems, bool javaScript = true, string? allowedOrigin = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            JavaScriptEnabled = javaScript,
        });
        await context.RouteAsync("**/*", async route =>
        {
            var url = route.Request.Url;
            if (url.StartsWith("file:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal)
                || (allowedOrigin is not null && url.StartsWith(allowedOrigin, StringComparison.Ordinal)))
                await route.ContinueAsync();
            else
            {
                lock (problems) problems.Add($"blocked a network request: {url}");
                await route.AbortAsync();
            }
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") lock (problems) problems.Add($"console error: {message.Text}"); };
        page.PageError += (_, error) => { lock (problems) problems.Add($"page error: {error}"); };
        return page;
    }

    /// <summary>Waits until every figure of the page is drawn (plotly.js's container replaces the placeholder).</summary>
    public static async Task<(int Figures, int Drawn)> WaitForFiguresAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "() => document.querySelectorAll('.sm-figure').length === document.querySelectorAll('.sm-figure .plot-container').length",
                null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            // reported by the counts below
        }
        var counts = await page.EvaluateAsync<int[]>(
            "() => [document.querySelectorAll('.sm-figure').length, document.querySelectorAll('.sm-figure .plot-container').length]");
        return (counts[0], counts[1]);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}

/// <summary>A static file server on 127.0.0.1 for a folder, as a reader would serve the site.</summary>
public sealed class StaticServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly Task _loop;

    public StaticServer(string root)
    {
        _root = Path.GetFullPath(root);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Origin = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>"http://127.0.0.1:PORT".</summary>
    public string Origin { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
            var file = Path.GetFullPath(Path.Combine(_root, path.Length == 0 ? "index.html" : path));
            using var response = context.Response;
            if (!file.StartsWith(_root, StringComparison.Ordinal) || !File.Exists(file))
            {
                response.StatusCode = 404;
                continue;
            }
            response.ContentType = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript",
                ".css" => "text/css",
                ".woff2" => "font/woff2",
                ".png" => "image/png",
                _ => "application/octet-stream",
            };
            var bytes = await File.ReadAllBytesAsync(file);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the loop ends when the listener closes
        }
    }
}
