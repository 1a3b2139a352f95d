using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>
/// Runs the real <c>natssharp</c> executable (the apphost built beside the tests) as an
/// operator would, capturing its output; every wait is bounded.
/// </summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private DaemonProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { lock (_stdout) { _stdout.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// The natssharp under test: <c>NATSSHARP_BINARY</c> when set (CI points it at the native
    /// publish to run the daemon tests against the release binary), else the apphost next to the
    /// test assembly (copied there by the project reference).
    /// </summary>
    public static string AppHost =>
        Environment.GetEnvironmentVariable("NATSSHARP_BINARY") is { Length: > 0 } binary
            ? Path.GetFullPath(binary)
            : Path.Combine(AppContext.BaseDirectory, "natssharp");

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    public static DaemonProcess StartAt(string executable, params string[] args) => StartAt(executable, null, args);

    private static DaemonProcess StartAt(string executable, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        return new DaemonProcess(Process.Start(psi)!);
    }

    public static DaemonProcess Start(params string[] args) => StartAt(AppHost, null, args);

    /// <summary>Starts natssharp with extra environment variables (e.g. systemd's NOTIFY_SOCKET).</summary>
    public static DaemonProcess StartWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] args) => StartAt(AppHost, environment, args);

    /// <summary>Runs to completion (bounded) and returns the exit code.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAtAsync(AppHost, args);

    /// <summary>Runs <paramref name="executable"/> to completion (bounded) and returns the exit code.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAtAsync(string executable, params string[] args)
    {
        await using DaemonProcess d = StartAt(executable, args);
        int code = await d.WaitForExitAsync();
        return (code, d.Stdout, d.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(20));
        _process.WaitForExit(); // flush the redirected output
        return _process.ExitCode;
    }

    /// <summary>
    /// The client port from the daemon's ports file in <paramref name="portsDir"/> (started with
    /// <c>--ports_file_dir</c>), waiting for the file within <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> ClientPortAsync(string portsDir, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => Directory.GetFiles(portsDir, "*.ports").Length == 1 || HasExited, "the ports file", timeout);
        string file = Assert.Single(Directory.GetFiles(portsDir, "*.ports"));
        using System.Text.Json.JsonDocument ports = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(file));
        return new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
    }

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
