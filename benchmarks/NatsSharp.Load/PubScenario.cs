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
            var errors = new Exception?[publishers.Length];
            using var go = new ManualResetEventSlim(false);
            var threads = new Thread[publishers.Length];
            for (int i = 0; i < publishers.Length; i++)
            {
                int index = i;
                long count = (o.Msgs / o.Pubs) + (i < o.Msgs % o.Pubs ? 1 : 0);
                threads[i] = new Thread(() =>
                {
                    try
                    {
                        go.Wait();
                        publishers[index].Run(count, null, long.MaxValue, deadline, o.Idle);
                    }
                    catch (Exception ex)
                    {
                        errors[index] = ex;
                    }
                })
                { IsBackground = true, Name = $"natsload-pub-{i + 1}" };
                threads[i].Start();
            }

            long start = Stopwatch.GetTimestamp();
            go.Set();
            foreach (Thread t in threads)
            {
                if (!t.Join(deadline.Remaining))
                {
                    throw new LoadException("timed out waiting for publishers");
                }
            }

            if (errors.FirstOrDefault(e => e is not null) is { } error)
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
