using System.Text;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// The local interest this server announces to its routes: a reference count per account,
/// subject and queue group, RS+ on 0→1 (and on every queue weight change), RS- on →0, filtered
/// by the route permissions' import list. Changes are sent under one lock, so an RS- never
/// overtakes the RS+ before it.
/// </summary>
internal sealed class RouteInterest
{
    private readonly Dictionary<(string Account, string Subject, string Queue), int> _counts = [];
    private readonly Func<IEnumerable<RouteConnection>> _routes;
    private CompiledPermissions? _permissions;

    public RouteInterest(Func<IEnumerable<RouteConnection>> routes, CompiledPermissions? permissions)
    {
        _routes = routes;
        _permissions = permissions;
    }

    /// <summary>Route permissions: import limits what we announce, export what we accept from a route.</summary>
    public CompiledPermissions? Permissions => Volatile.Read(ref _permissions);

    /// <summary>Whether our interest in <paramref name="subject"/> may be announced (import).</summary>
    public bool MayImport(string subject) =>
        Permissions is not { } p || p.CanPublish(Encoding.UTF8.GetBytes(subject));

    /// <summary>A local subscription came (+1) or went (-1).</summary>
    public void Change(Subscription sub, int delta)
    {
        string account = sub.AccountName;
        string subject = Encoding.UTF8.GetString(sub.Subject);
        string queue = sub.Queue is null ? "" : Encoding.UTF8.GetString(sub.Queue);
        lock (_counts)
        {
            _counts.TryGetValue((account, subject, queue), out int count);
            int next = Math.Max(0, count + delta);
            if (next == 0)
            {
                _counts.Remove((account, subject, queue));
            }
            else
            {
                _counts[(account, subject, queue)] = next;
            }

            string? line = (count, next, queue.Length) switch
            {
                (0, > 0, 0) => $"RS+ {account} {subject}\r\n",
                (> 0, 0, 0) => $"RS- {account} {subject}\r\n",
                (_, > 0, > 0) when next != count => $"RS+ {account} {subject} {queue} {next}\r\n",
                (> 0, 0, > 0) => $"RS- {account} {subject} {queue}\r\n",
                _ => null,
            };
            if (line is not null && MayImport(subject))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(line);
                foreach (RouteConnection route in _routes())
                {
                    route.Send(bytes);
                }
            }
        }
    }

    /// <summary>Everything importable, for a route that just registered.</summary>
    public void SendAll(RouteConnection route) => Send(route, MayImport);

    /// <summary>Sends RS+ for the interest whose subject passes <paramref name="filter"/>.</summary>
    public void Send(RouteConnection route, Func<string, bool> filter)
    {
        lock (_counts)
        {
            var sb = new StringBuilder();
            foreach (var ((account, subject, queue), count) in _counts.Where(i => filter(i.Key.Subject)))
            {
                sb.Append(queue.Length == 0 ? $"RS+ {account} {subject}\r\n" : $"RS+ {account} {subject} {queue} {count}\r\n");
            }

            if (sb.Length > 0)
            {
                route.Send(Encoding.UTF8.GetBytes(sb.ToString()));
            }
        }
    }

    /// <summary>
    /// Reloaded permissions (nats-server's reloadClusterPermissions): each route gets
    /// <paramref name="info"/>, RS+/RS- for the interest that became (un)importable, and drops its
    /// interest we may no longer export to. Swapped under the lock, so a concurrent (un)subscribe
    /// is announced by exactly one side.
    /// </summary>
    public void ApplyPermissions(CompiledPermissions? next, byte[] info)
    {
        lock (_counts)
        {
            CompiledPermissions? was = Permissions;
            Volatile.Write(ref _permissions, next);
            var sb = new StringBuilder();
            foreach (var ((account, subject, queue), count) in _counts)
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
            foreach (RouteConnection route in _routes())
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
}
