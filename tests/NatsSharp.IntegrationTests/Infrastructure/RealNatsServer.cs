using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>
/// The real nats-server (Debian package) started on 127.0.0.1 and a random port, for
/// side-by-side comparisons. If it is not installed the test fails with a message that
/// says so: a comparison that cannot run must never pass silently.
/// </summary>
public sealed partial class RealNatsServer : IAsyncDisposable
{
    public const string BinaryPath = "/usr/sbin/nats-server";

    private readonly Process _process;
    private readonly string _dir;

    private RealNatsServer(Process process, string dir, int port, int monitorPort)
    {
        _process = process;
        _dir = dir;
        Port = port;
        MonitorPort = monitorPort;
    }

    public int Port { get; }

    /// <summary>The monitoring port when started with -m, else 0.</summary>
    public int MonitorPort { get; }

    public static string Binary =>
        File.Exists(BinaryPath)
            ? BinaryPath
            : throw new InvalidOperationException(
                $"MISSING PEER: the real nats-server is not installed at {BinaryPath} (apt-get install -y nats-server). " +
                "This test compares NatsSharp with it and cannot run without it.");

    public static async Task<RealNatsServer> StartAsync(params string[] extraArgs)
    {
        string binary = Binary;
        string dir = Directory.CreateTempSubdirectory("nats-ref-").FullName;
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir }.Concat(extraArgs))
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start nats-server");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        string portsFile = Path.Combine(dir, $"nats-server_{process.Id}.ports");
        await Eventually.TrueAsync(() => (File.Exists(portsFile) && new FileInfo(portsFile).Length > 0) || process.HasExited, "nats-server's ports file", TimeSpan.FromSeconds(10));
        if (process.HasExited)
        {
            // Say why (e.g. a port another test took between FreePort.Next() and the bind).
            process.WaitForExit();
            throw new RealNatsServerExitedException(string.Join("\n", log));
        }

        using JsonDocument doc = JsonDocument.Parse(await File.ReadAllTextAsync(portsFile));
        string url = doc.RootElement.GetProperty("nats")[0].GetString()!;
        int port = new Uri(url).Port;
        int monitorPort = doc.RootElement.TryGetProperty("monitoring", out JsonElement monitoring)
            ? new Uri(monitoring[0].GetString()!).Port
            : 0;
        return new RealNatsServer(process, dir, port, monitorPort);
    }

    /// <summary>Sends the process a POSIX signal (12 = SIGUSR2, lame duck).</summary>
    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    private bool _disposed;

    /// <summary>Kills the server (idempotent: a test may stop it early and dispose again).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}

/// <summary>nats-server exited during start; the message is its log.</summary>
public sealed class RealNatsServerExitedException(string log) : Exception("nats-server exited at start:\n" + log)
{
    /// <summary>It could not bind a port it was given (taken by someone else in the meantime).</summary>
    public bool PortTaken => Message.Contains("address already in use", StringComparison.Ordinal);
}
