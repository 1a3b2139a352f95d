using System.Net.Sockets;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// One server process on fixed loopback ports (so a restart comes back where its peers and
/// clients expect it): the natssharp daemon or nats-server, with the same command line.
/// </summary>
public sealed class ChaosNode : IAsyncDisposable
{
    private readonly string[] _args;
    private DaemonProcess? _process;

    public ChaosNode(ServerKind kind, string name, int[] routePorts, params string[] extraArgs)
    {
        Kind = kind;
        Name = name;
        ClientPort = FreePort.Next();
        MonitorPort = FreePort.Next();
        ClusterPort = routePorts.Length > 0 || extraArgs.Contains("--cluster") ? FreePort.Next() : 0;
        List<string> args = ["-a", "127.0.0.1", "-p", $"{ClientPort}", "-m", $"{MonitorPort}", "--server_name", name];
        if (ClusterPort > 0)
        {
            args.AddRange(["--cluster", $"nats://127.0.0.1:{ClusterPort}", "--cluster_name", "chaos"]);
        }

        args.AddRange(extraArgs.Where(a => a != "--cluster"));
        _args = [.. args];
    }

    public ServerKind Kind { get; }

    public string Name { get; }

    public int ClientPort { get; }

    public int ClusterPort { get; }

    public int MonitorPort { get; }

    public string Url => $"nats://127.0.0.1:{ClientPort}";

    public int? Pid => _process is { HasExited: false } p ? p.Pid : null;

    public string Log => _process is null ? "" : _process.Stdout + _process.Stderr;

    /// <summary>Routes to <paramref name="peers"/> (their cluster ports), set before the first start.</summary>
    public string[] Routes { get; set; } = [];

    public static string Binary(ServerKind kind) => kind == ServerKind.NatsSharp ? DaemonProcess.AppHost : RealNatsServer.Binary;

    /// <summary>Starts the process; returns once its client port accepts (bounded).</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        string[] args = Routes.Length > 0 ? [.. _args, "--routes", string.Join(",", Routes)] : _args;
        _process = DaemonProcess.StartAt(Binary(Kind), args);
        await Eventually.TrueAsync(async () => _process.HasExited || await AcceptsAsync(ClientPort), $"{Name} accepting clients", timeout ?? TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(5));
        Assert.False(_process.HasExited, $"{Name} ({Kind}) exited at start:\n{Log}");
    }

    /// <summary>SIGKILL: no lame duck, no goodbye to peers or clients.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Signal(9);
            await p.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>num_routes from /routez, or -1 when the monitor does not answer.</summary>
    public async Task<int> RouteCountAsync()
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            string json = await http.GetStringAsync($"http://127.0.0.1:{MonitorPort}/routez");
            using JsonDocument doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("num_routes").GetInt32();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return -1;
        }
    }

    /// <summary>Resident set size from /proc, in bytes (0 once the process is gone).</summary>
    public long RssBytes()
    {
        try
        {
            string status = File.ReadAllText($"/proc/{_process!.Pid}/status");
            string line = status.Split('\n').First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or NullReferenceException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
