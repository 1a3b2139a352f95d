using System.Diagnostics;

namespace NatsSharp.Load;

/// <summary>N publishers, no subscribers: how fast the server ingests PUBs.</summary>
internal static class PubScenario
{
    public static RunResult Run(Options o, Deadline deadline)
    {
        NatsUrl url = NatsUrl.Parse(o.Url);
        var connections = new List<NatsConnection>();
        try
        {
            for (int i = 0; i < o.Pubs; i++)
            {
                NatsConnection c = NatsConnection.Connect(url, $"natsload-pub-{i + 1}", deadline);
                connections.Add(c);
                c.StartReader();
            }

            ScenarioChecks.CheckPayload(o, connections[0]);
            var publishers = connections.Select(c => new Publisher(c, o.Subject, o.Size, long.MaxValue)).ToArray();
            long start = Publisher.RunAll(publishers, o.Msgs, null, long.MaxValue, deadline, o.Idle, TimeSpan.Zero, out Exception? error);
            if (error is not null)
            {
                throw error is LoadException ? error : new LoadException(error.Message, error);
            }

            double elapsed = Seconds(start, publishers.Max(p => p.FlushedAt));
            return new RunResult
            {
                Options = o,
                ServerName = connections[0].Info.ServerName,
                ServerVersion = connections[0].Info.Version,
                ElapsedSeconds = elapsed,
                MsgsPerSec = o.Msgs / elapsed,
                PubMsgsPerSec = o.Msgs / elapsed,
                Published = o.Msgs,
            };
        }
        finally
        {
            foreach (NatsConnection c in connections)
            {
                c.Dispose();
            }
        }
    }

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;
}
