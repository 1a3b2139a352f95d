using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Start-up order, as nats-server's Start() in server.go: the monitoring port first, then the other parts,
/// and the client port only when its accept loop starts. A dial while the server is still starting is
/// refused (clients retry) instead of waiting in the accept queue behind JetStream, the system account
/// and the rest; the monitoring port answers before the client port takes clients.
/// </summary>
public class StartOrderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_dial_while_the_server_starts_is_refused_and_the_monitor_already_answers()
    {
        int clientPort = FreePort.Next();
        int monitorPort = FreePort.Next();
        // Holds start-up where the leafnode port is logged: after the monitor, before the client port.
        using var logs = new PausingLog("Listening for leafnode connections");
        await using var server = new NatsServer(
            new ServerOptions
            {
                Host = "127.0.0.1",
                Port = clientPort,
                HttpPort = monitorPort,
                NoSystemAccount = true,
                LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort },
            },
            logs);
        Task start = Task.Run(() => server.StartAsync());
        try
        {
            Assert.True(await logs.Reached.WaitAsync(Bound), "start-up reached the leafnode port");

            var refused = await Assert.ThrowsAsync<SocketException>(() => DialAsync(clientPort));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.TrueAsync(async () => await VarzAnswersAsync(http, monitorPort), "the monitor answers while the client port is not open yet", Bound);
            Assert.False(start.IsCompleted);
        }
        finally
        {
            logs.Release();
        }

        await start.WaitAsync(Bound);
        await using RawClient client = await RawClient.ConnectAsync(clientPort);
        Assert.StartsWith("INFO ", client.Info, StringComparison.Ordinal);
        Assert.Equal(clientPort, server.Port);
    }

    [Theory]
    [InlineData(ServerKind.NatsSharp)]
    [InlineData(ServerKind.NatsServer)]
    public async Task The_monitoring_port_listens_before_the_client_port(ServerKind kind)
    {
        int clientPort = FreePort.Next();
        int monitorPort = FreePort.Next();
        await using DaemonProcess process = DaemonProcess.StartAt(ChaosNode.Binary(kind), "-a", "127.0.0.1", "-p", $"{clientPort}", "-m", $"{monitorPort}");
        await Eventually.TrueAsync(async () => process.HasExited || await ChaosNode.AcceptsAsync(clientPort), $"{kind} accepting clients", Bound, TimeSpan.FromMilliseconds(1));
        Assert.False(process.HasExited, process.Stderr);

        // Bound before the client port, so it accepts now (its HTTP server may still be getting ready).
        Assert.True(await ChaosNode.AcceptsAsync(monitorPort), $"{kind}: the monitoring port listens once the client port does");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () => await VarzAnswersAsync(http, monitorPort), $"{kind} /varz", Bound);

        string log = process.Stdout + process.Stderr;
        int monitor = log.IndexOf($"Starting http monitor on 127.0.0.1:{monitorPort}", StringComparison.Ordinal);
        int listening = log.IndexOf($"Listening for client connections on 127.0.0.1:{clientPort}", StringComparison.Ordinal);
        int ready = log.IndexOf("Server is ready", StringComparison.Ordinal);
        Assert.True(monitor >= 0 && listening > monitor && ready > listening, $"{kind} log order:\n{log}");
    }

    private static async Task DialAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
    }

    private static async Task<bool> VarzAnswersAsync(HttpClient http, int port)
    {
        try
        {
            return (await http.GetStringAsync($"http://127.0.0.1:{port}/varz")).Contains("\"server_id\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>A logger that holds the logging thread at the first line containing a text, until released (bounded).</summary>
    private sealed class PausingLog(string pauseAt) : ILoggerFactory, ILogger
    {
        private readonly SemaphoreSlim _reached = new(0);
        private readonly ManualResetEventSlim _release = new();
        private int _paused;

        public SemaphoreSlim Reached => _reached;

        public void Release() => _release.Set();

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains(pauseAt, StringComparison.Ordinal) && Interlocked.Exchange(ref _paused, 1) == 0)
            {
                _reached.Release();
                _release.Wait(TimeSpan.FromSeconds(60));
            }
        }

        public void Dispose()
        {
            _release.Set();
            _release.Dispose();
            _reached.Dispose();
        }
    }
}
