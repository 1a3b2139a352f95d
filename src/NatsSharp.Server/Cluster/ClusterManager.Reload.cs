using System.Text;
using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// Live reload of <c>cluster {}</c>, as nats-server 2.9.10 applies it: routes are added and
/// removed; name, authorization, permissions, advertise, no_advertise, connect_retries and tls
/// take effect at once. (Host and port are refused before this runs, see OptionsDiff.)
/// </summary>
internal sealed partial class ClusterManager
{
    /// <summary>
    /// Applies the reloaded settings other than routes (see <see cref="UpdateRoutes"/>).
    /// <paramref name="tls"/> is the new route TLS when it changed (loaded before anything changed).
    /// </summary>
    public void Reload(ClusterOptions next, bool permissionsChanged, (RouteTls? Value, bool Changed) tls)
    {
        if (tls.Changed)
        {
            // As nats-server: routes already up keep their connection; new ones use the new settings.
            Options.Tls = next.Tls?.Clone();
            Tls = tls.Value;
        }

        Auth.Permissions? oldPermissions = Options.Permissions;
        bool clientsSeeChange = next.NoAdvertise != Options.NoAdvertise || (next.Name.Length > 0 && next.Name != Name);
        Options.Username = next.Username;
        Options.Password = next.Password;
        Options.AuthTimeout = next.AuthTimeout;
        Options.Advertise = next.Advertise;
        Options.NoAdvertise = next.NoAdvertise;
        Options.ConnectRetries = next.ConnectRetries;
        Options.Permissions = next.Permissions;

        // As nats-server: a new name replaces the current one; removing it keeps the current one.
        if (next.Name.Length > 0 && next.Name != Name)
        {
            Volatile.Write(ref _name, next.Name);
            Dynamic = false;
        }

        // Accepted routes must still present valid credentials; we cannot check the ones we dialled.
        foreach (RouteConnection route in _peers.Running)
        {
            if (!route.IsSolicited && !route.IsClosing && AuthRequired && !route.PresentedValidCredentials())
            {
                route.AuthorizationViolation();
            }
        }

        if (permissionsChanged)
        {
            ApplyPermissions(oldPermissions);
        }

        if (clientsSeeChange)
        {
            _server.OnClusterChanged(); // connect_urls (no_advertise) and the cluster name in client INFO
        }
    }

    /// <summary>
    /// New route permissions, as nats-server's reloadClusterPermissions: every route gets our new
    /// INFO (import/export, so a peer re-sends interest we now accept), RS+/RS- for local
    /// interest that became (un)importable, and drops its interest we may no longer export to.
    /// </summary>
    private void ApplyPermissions(Auth.Permissions? oldPermissions)
    {
        var was = oldPermissions is null ? null : new CompiledPermissions(oldPermissions);
        byte[] info = BuildRouteInfoLine();
        lock (_interest)
        {
            // Swapped under the interest lock, so a concurrent (un)subscribe is announced by exactly one side.
            Permissions = Options.Permissions is { } p ? new CompiledPermissions(p) : null;
            var sb = new StringBuilder();
            foreach (var ((account, subject, queue), count) in _interest)
            {
                bool before = was is null || was.CanPublish(Encoding.UTF8.GetBytes(subject));
                bool now = MayImport(subject);
                if (now && !before)
                {
                    sb.Append(queue.Length == 0 ? $"RS+ {account} {subject}\r\n" : $"RS+ {account} {subject} {queue} {count}\r\n");
                }
                else if (before && !now)
                {
                    sb.Append(queue.Length == 0 ? $"RS- {account} {subject}\r\n" : $"RS- {account} {subject} {queue}\r\n");
                }
            }

            byte[] changes = Encoding.UTF8.GetBytes(sb.ToString());
            foreach (RouteConnection route in _routes.Values)
            {
                route.Send(info);
                if (changes.Length > 0)
                {
                    route.Send(changes);
                }

                route.DropUnexportableInterest();
            }
        }
    }

    /// <summary>
    /// Reload: dial the routes that were added, close (without reconnecting) the ones we dialled
    /// for routes that were removed, as nats-server does, and redial a route whose URL changed
    /// only in its credentials (its solicit loop picks up the new URL).
    /// </summary>
    public void UpdateRoutes(IReadOnlyList<Uri> routes)
    {
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Uri url in routes)
        {
            wanted.TryAdd(RouteKey(url), url.ToString());
        }

        List<Uri> before = Options.Routes;
        Options.Routes = [.. routes];
        foreach (Uri old in before)
        {
            bool removed = !wanted.TryGetValue(RouteKey(old), out string? url);
            if (!removed && url == old.ToString())
            {
                continue;
            }

            if (removed)
            {
                _removedUrls[RouteKey(old)] = 0;
            }

            foreach (RouteConnection route in _peers.Running)
            {
                if (route.SolicitedUrl is { } dialled && RouteKey(dialled) == RouteKey(old))
                {
                    route.Close(Connections.ClosedReason.RouteRemoved);
                    if (removed)
                    {
                        _log.Notice($"Removed route {old}");
                    }
                }
            }
        }

        var known = before.Select(RouteKey).ToHashSet(StringComparer.Ordinal);
        foreach (Uri url in routes.Where(u => !known.Contains(RouteKey(u))))
        {
            Solicit(url, explicitRoute: true);
        }
    }
}
