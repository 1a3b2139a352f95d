using System.Diagnostics;

namespace NatsSharp.Load;

/// <summary>
/// One publisher and N subscribers: pubsub (N = 1), fanout (every subscriber gets every message) and queue
/// (one queue group, every message delivered exactly once).
/// </summary>
internal static class FanScenario
{
    public static RunResult Run(Options o, Deadline deadline)
    {
        NatsUrl url = NatsUrl.Parse(o.Url);
        bool queue = o.Scenario == Scenario.Queue;
        int subs = o.Subs;
        long expected = queue ? o.Msgs : o.Msgs * subs;
        var tracker = new DeliveryTracker(expected, queue);
        var connections = new List<NatsConnection>();
        try
        {
            string sub = queue ? $"SUB {o.Subject} {o.QueueGroup} 1\r\n" : $"SUB {o.Subject} 1\r\n";
            for (int i = 0; i < subs; i++)
            {
                NatsConnection c = NatsConnection.Connect(url, $"natsload-sub-{i + 1}", deadline);
                connections.Add(c);
                tracker.Add(c);
                c.Send(System.Text.Encoding.ASCII.GetBytes(sub));

                // The PONG proves the SUB is registered before anything is published.
                c.Flush(deadline);
                c.StartReader();
            }

            NatsConnection pubConnection = NatsConnection.Connect(url, "natsload-pub", deadline);
            connections.Add(pubConnection);
            pubConnection.StartReader();
            ScenarioChecks.CheckPayload(o, pubConnection);
            long window = ScenarioChecks.Window(o);
            var publisher = new Publisher(pubConnection, o.Subject, o.Size, window);

            tracker.MarkStart();
            long start = Stopwatch.GetTimestamp();
            publisher.Run(o.Msgs, tracker, window, deadline, o.Idle);
            bool complete = tracker.WaitForCompletion(deadline, o.Idle);
            long end = complete ? tracker.CompletedAt : tracker.LastProgressAt;
            double elapsed = Math.Max(1e-9, (double)(end - start) / Stopwatch.Frequency);
            long delivered = tracker.Total;

            var result = new RunResult
            {
                Options = o,
                ServerName = pubConnection.Info.ServerName,
                ServerVersion = pubConnection.Info.Version,
                ElapsedSeconds = elapsed,
                MsgsPerSec = delivered / elapsed,
                PubMsgsPerSec = o.Msgs / ((double)(publisher.FlushedAt - start) / Stopwatch.Frequency),
                Published = o.Msgs,
                Expected = expected,
                Delivered = delivered,
                PerSubscriber = tracker.Subscribers.Select(s => s.Received).ToArray(),
            };

            if (!complete)
            {
                string why = tracker.FirstProblem() ?? (deadline.IsExpired ? "timed out" : $"no delivery for {o.Idle.TotalSeconds:0.#}s");
                result.Error = $"lost {result.Lost:#,0} of {expected:#,0} deliveries: {why}";
            }
            else if (delivered != expected)
            {
                result.Error = $"received {delivered - expected:#,0} more deliveries than expected";
            }

            return result;
        }
        finally
        {
            foreach (NatsConnection c in connections)
            {
                c.Dispose();
            }
        }
    }
}
