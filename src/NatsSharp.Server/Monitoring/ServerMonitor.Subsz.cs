using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Monitoring;

/// <summary>/subsz: every account's sublist counters summed, or one account's (<c>acc=</c>).</summary>
internal sealed partial class ServerMonitor
{
    /// <summary>Returns either the bare sublist counters or, with subs=1 and matches, the full page.</summary>
    public object Subsz(bool subs, int offset, int limit, string test, string account)
    {
        offset = Math.Max(0, offset);
        limit = limit <= 0 ? DefaultListSize : limit;
        if (test.Length > 0 && !SubjectRules.IsValidPublishSubject(Encoding.UTF8.GetBytes(test)))
        {
            throw new MonitorQueryException($"invalid test subject, must be valid publish subject: {test}");
        }

        // An unknown account matches none: empty counters, as nats-server.
        var stats = new SublistStatsJson();
        byte[] testBytes = Encoding.UTF8.GetBytes(test);
        var details = new List<SubDetail>();
        foreach (Account acc in SortedAccounts())
        {
            if (account.Length > 0 && acc.Name != account)
            {
                continue;
            }

            stats.Add(acc.Sublist.Stats());
            if (!subs)
            {
                continue;
            }

            foreach (Subscription sub in acc.Sublist.All())
            {
                // Local interest only, as nats-server: clients' (with their stream-import shadows)
                // and the server's own for imports; routes' and leafs' are in /routez and /leafz.
                if (sub.Subscriber.IsServerPeer
                    || (test.Length > 0 && !SubjectRules.Matches(testBytes, sub.Subject)))
                {
                    continue;
                }

                details.Add(new SubDetail
                {
                    // A shadow shows its subscriber's account, an import's own the account that holds it.
                    Account = sub.Origin?.AccountName ?? sub.AccountName,
                    Subject = Encoding.UTF8.GetString(sub.Subject),
                    Queue = sub.Queue is null ? null : Encoding.UTF8.GetString(sub.Queue),
                    Sid = Encoding.UTF8.GetString(sub.Sid),
                    Msgs = Interlocked.Read(ref sub.Delivered),
                    Max = sub.MaxMsgs,
                    Cid = sub.Subscriber.Cid,
                });
            }
        }

        int from = Math.Min(offset, details.Count);
        int to = (int)Math.Min((long)offset + limit, details.Count);
        List<SubDetail> page = details.GetRange(from, to - from);
        if (page.Count == 0)
        {
            return stats; // nats-server prints only the counters when the list is empty
        }

        return Monitoring.Subsz.From(stats, _server.ServerId, offset, limit, page);
    }
}
