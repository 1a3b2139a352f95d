using System.Collections.Concurrent;
using System.Net.Sockets;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// Dials routes: configured ones forever, gossiped ones <c>connect_retries</c> times; one loop per
/// URL; stays quiet while another connection to the same peer is up; gives up on a URL that
/// turned out to be ourselves or that a reload removed.
/// </summary>
internal sealed class RouteDialer
{
    private readonly ClusterOptions _options;
    private readonly ServerLog _log;
    private readonly CancellationToken _stopping;
    private readonly Func<Socket, Uri, Task<RouteConnection>> _run;
    private readonly Func<string, bool> _isConnected;
    private readonly ConcurrentDictionary<string, byte> _dialling = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _self = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _removed = new(StringComparer.Ordinal);

    /// <param name="options">The cluster's live options (reload updates routes, retries, delay).</param>
    /// <param name="run">Runs a route over a dialled socket until it closes.</param>
    /// <param name="isConnected">Whether a route to the server with this id is registered.</param>
    public RouteDialer(ClusterOptions options, ServerLog log, Func<Socket, Uri, Task<RouteConnection>> run, Func<string, bool> isConnected, CancellationToken stopping)
    {
        _options = options;
        _log = log;
        _stopping = stopping;
        _run = run;
        _isConnected = isConnected;
    }

    public static string Key(Uri url) => $"{url.Host}:{url.Port}";

    /// <summary>Starts dialling <paramref name="url"/> unless a loop for it runs already.</summary>
    public void Dial(Uri url, bool explicitRoute)
    {
        string key = Key(url);
        if (explicitRoute)
        {
            _removed.TryRemove(key, out _);
        }

        if (_dialling.TryAdd(key, 0))
        {
            _ = DialLoopAsync(url, key, explicitRoute);
        }
    }

    /// <summary>A reload removed this configured route: its loop ends and it is not dialled again.</summary>
    public void Forget(Uri url) => _removed[Key(url)] = 0;

    private async Task DialLoopAsync(Uri url, string key, bool explicitRoute)
    {
        int failures = 0;
        try
        {
            while (!_stopping.IsCancellationRequested && !_self.ContainsKey(key) && !_removed.ContainsKey(key))
            {
                // A reload may have changed the configured URL's credentials.
                url = explicitRoute ? _options.Routes.FirstOrDefault(r => Key(r) == key) ?? url : url;
                Socket? socket = await ConnectAsync(url).ConfigureAwait(false);
                if (socket is null)
                {
                    failures++;
                    _log.Debug($"Error trying to connect to route (attempt {failures}): {key}");
                    if (!explicitRoute && failures > _options.ConnectRetries)
                    {
                        return;
                    }

                    await DelayAsync(_options.ReconnectDelay).ConfigureAwait(false);
                    continue;
                }

                failures = 0;
                RouteConnection route = await _run(socket, url).ConfigureAwait(false);
                if (route.RefusedAs == "self")
                {
                    _self.TryAdd(key, 0);
                    return;
                }

                // Stay quiet while another connection to the same peer is up, then reconnect.
                while (!_stopping.IsCancellationRequested && route.RemoteId.Length > 0 && _isConnected(route.RemoteId))
                {
                    await DelayAsync(_options.ReconnectDelay).ConfigureAwait(false);
                }

                if (!explicitRoute && route.RefusedAs != "duplicate" && failures++ >= _options.ConnectRetries)
                {
                    return;
                }

                await DelayAsync(route.RefusedAs == "duplicate"
                    ? TimeSpan.FromMilliseconds(Random.Shared.Next(100))
                    : _options.ReconnectDelay).ConfigureAwait(false);
            }
        }
        finally
        {
            _dialling.TryRemove(key, out _);
        }
    }

    private async Task<Socket?> ConnectAsync(Uri url)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(url.Host, url.Port, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    private async Task DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
