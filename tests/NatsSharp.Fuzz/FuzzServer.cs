using Microsoft.Extensions.Logging.Abstractions;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;

namespace NatsSharp.Fuzz;

/// <summary>
/// One of the two servers of a run, started from the profile's config file and kept running
/// across all streams, with its observer subscriber.
/// </summary>
public sealed class FuzzServer : IAsyncDisposable
{
    private readonly NatsServer? _natsSharp;
    private readonly RealNatsServer? _reference;
    private readonly string _dir;

    private FuzzServer(string name, NatsServer? natsSharp, RealNatsServer? reference, string dir, int clientPort, int routePort, int leafPort)
    {
        Name = name;
        _natsSharp = natsSharp;
        _reference = reference;
        _dir = dir;
        ClientPort = clientPort;
        RoutePort = routePort;
        LeafPort = leafPort;
    }

    public string Name { get; }

    public int ClientPort { get; }

    public int RoutePort { get; }

    public int LeafPort { get; }

    public Observer Observer { get; private set; } = null!;

    public int PortFor(FuzzPort port) => port switch
    {
        FuzzPort.Client => ClientPort,
        FuzzPort.Route => RoutePort,
        _ => LeafPort,
    };

    public static async Task<FuzzServer> StartNatsSharpAsync(FuzzProfile profile)
    {
        string dir = Directory.CreateTempSubdirectory("fuzz-ns-").FullName;
        int route = FreePort.Next();
        int leaf = FreePort.Next();
        string path = Path.Combine(dir, "fuzz.conf");
        await File.WriteAllTextAsync(path, profile.Config(-1, route, leaf));
        ServerOptions options = ConfigBinder.Load(path).Options;
        var server = new NatsServer(options, NullLoggerFactory.Instance);
        await server.StartAsync();
        var result = new FuzzServer("natssharp", server, null, dir, server.Port, server.ClusterPort, server.LeafNodePort);
        result.Observer = await Observer.ConnectAsync(result.ClientPort, profile);
        return result;
    }

    public static async Task<FuzzServer> StartReferenceAsync(FuzzProfile profile)
    {
        string dir = Directory.CreateTempSubdirectory("fuzz-ref-").FullName;
        int route = FreePort.Next();
        int leaf = FreePort.Next();
        string path = Path.Combine(dir, "fuzz.conf");
        await File.WriteAllTextAsync(path, profile.Config(-1, route, leaf));
        RealNatsServer server = await RealNatsServer.StartAsync("-c", path);
        var result = new FuzzServer("nats-server", null, server, dir, server.Port, profile.Peers ? route : 0, profile.Peers ? leaf : 0);
        result.Observer = await Observer.ConnectAsync(result.ClientPort, profile);
        return result;
    }

    /// <summary>The server still accepts clients (a crash shows here).</summary>
    public async Task<bool> AliveAsync()
    {
        try
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", ClientPort).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Observer is not null)
        {
            await Observer.DisposeAsync();
        }

        if (_natsSharp is not null)
        {
            await _natsSharp.StopAsync();
        }

        if (_reference is not null)
        {
            await _reference.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
