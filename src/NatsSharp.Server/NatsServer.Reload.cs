using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Reload;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server;

/// <summary>
/// Configuration reload (SIGHUP, <c>-sl reload</c>, or an embedder calling
/// <see cref="Reload"/>): apply what nats-server 2.9.10 applies live, refuse the rest.
/// </summary>
public sealed partial class NatsServer
{
    private readonly object _reloadLock = new();

    /// <summary>
    /// Called during a reload, after the new options are in force and before the
    /// <c>Reloaded:</c> lines are logged, with the old and new options. The daemon
    /// reconfigures its log sinks and pid file here; embedders may do the same.
    /// </summary>
    public Action<ServerOptions, ServerOptions>? Reloading { get; set; }

    /// <summary>
    /// Replaces the running options with <paramref name="newOptions"/>. When any option
    /// that cannot change live differs, throws <see cref="NatsServerException"/> with
    /// nats-server's message (<c>config reload not supported for Port: old=4222, new=4223</c>)
    /// and changes nothing.
    /// </summary>
    public void Reload(ServerOptions newOptions)
    {
        ArgumentNullException.ThrowIfNull(newOptions);
        lock (_reloadLock)
        {
            ServerOptions old = Options;
            ServerOptions next = newOptions.Clone();
            if (next.ConfigFile.Length == 0)
            {
                next.ConfigFile = old.ConfigFile;
            }

            OptionsDiff diff = OptionsDiff.Compute(old, next);
            Validate(next);
            Authenticator.ValidateOptions(next);
            if (next.TlsEnabled != ClientTlsOn || next.TlsWithoutCertificate != Options.TlsWithoutCertificate)
            {
                throw new NatsServerException("enabling or disabling TLS for clients requires a restart");
            }

            // Certificates are loaded before anything changes, so a bad file leaves the old config in force.
            TlsSetup? tls = Tls is not null ? TlsSetup.Load(next.ClientTls) : null;
            NatsSharp.Server.Cluster.RouteTls? routeTls = diff.ClusterTlsChanged ? NatsSharp.Server.Cluster.ClusterManager.LoadTls(next.Cluster!) : null;

            Volatile.Write(ref _options, next);
            Log.IsDebug = next.Debug;
            Log.IsTrace = next.Trace || next.TraceVerbose;
            Reloading?.Invoke(old, next);
            foreach (string line in diff.Reloaded)
            {
                Log.Notice("Reloaded: " + line);
            }

            ReloadAuthorization(next);
            ReloadMappings(next);
            if (tls is not null)
            {
                ApplyTls(next, tls);
            }

            _info = CreateInfo();
            foreach (ClientConnection client in _clients.All)
            {
                client.ApplyLimits(next, Log.IsTrace);
            }

            if (diff.ClusterChanged && Cluster is not null)
            {
                Cluster.Reload(next.Cluster!, diff.ClusterPermissionsChanged, (routeTls, diff.ClusterTlsChanged));
            }

            if (diff.RoutesChanged && Cluster is not null)
            {
                Cluster.UpdateRoutes(next.Cluster?.Routes ?? []);
            }

            if (diff.MaxConnectionsChanged)
            {
                CloseExcessClients(next.MaxConnections);
            }

            Log.Notice("Reloaded server configuration");
        }
    }

    /// <summary>Lowered max_connections: close clients until the count fits (which ones is unspecified, as in nats-server).</summary>
    private void CloseExcessClients(int max)
    {
        int excess = _clients.Count - max;
        foreach (ClientConnection client in _clients.All)
        {
            if (excess-- <= 0)
            {
                break;
            }

            client.CloseFromServer("maximum connections exceeded", ClosedReason.MaxConnectionsExceeded, "maximum connections exceeded");
        }
    }
}
