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
        NatsUrl subUrl = o.SubUrl.Length > 0 ? NatsUrl.Parse(o.SubUrl) : url;
        bool queue = o.Scenario == Scenario.Queue;
        int subs = o.Subs;
        long expected = queue ? o.Msgs : o.Msgs * subs;
        var tracker = new DeliveryTracker(expected, queue);
        var connections = new List<NatsConnection>();
        try
        {
            var subLines = new System.Text.StringBuilder();
            for (int j = 0; j < o.Subjects; j++)
            {
                string subject = Publisher.SubjectName(o.Subject, o.Subjects, j);
                subLines.Append(queue ? $"SUB {subject} {o.QueueGroup} {j + 1}\r\n" : $"SUB {subject} {j + 1}\r\n");
            }

            string sub = subLines.ToString();
            for (int i = 0; i < subs; i++)
            {
                NatsConnection c = NatsConnection.Connect(subUrl, $"natsload-sub-{i + 1}", deadline);
                connections.Add(c);
                tracker.Add(c);
                c.Send(System.Text.Encoding.ASCII.GetBytes(sub));

                // The PONG proves the SUB is registered before anything is published.
                c.Flush(deadline);
                if (c.Error is not null)
                {
                    throw new LoadException($"{c.Name}: subscription rejected: {c.Error}");
                }

                c.StartReader();
            }

            if (!ReferenceEquals(subUrl, url))
            {
                // Interest crosses the route asynchronously; give it a moment before publishing.
                Thread.Sleep(500);
            }

            NatsConnection pubConnection = NatsConnection.Connect(url, "natsload-pub", deadline);
            connections.Add(pubConnection);
            pubConnection.StartReader();
            ScenarioChecks.CheckPayload(o, pubConnection);
            long window = ScenarioChecks.Window(o);
            var publisher = new Publisher(pubConnection, o.Subject, o.Size, window, o.Subjects);

            tracker.MarkStart();
            long start = Stopwatch.GetTimestamp();
            string? publishError = null;
            try
            {
                publisher.Run(o.Msgs, tracker, window, deadline, o.Idle);
            }
            catch (LoadException ex)
            {
                // Still report what was delivered: a stalled or dropped subscriber is a result, not a crash.
                publishError = ex.Message;
            }

            bool complete = publishError is null && tracker.WaitForCompletion(deadline, o.Idle);
            long end = complete ? tracker.CompletedAt : tracker.LastProgressAt;
            long delivered = tracker.Total;
            double elapsed = delivered == 0 ? 0 : Math.Max(1e-9, (double)(end - start) / Stopwatch.Frequency);

            var result = new RunResult
            {
                Options = o,
                ServerName = pubConnection.Info.ServerName,
                ServerVersion = pubConnection.Info.Version,
                ElapsedSeconds = elapsed,
                MsgsPerSec = delivered == 0 ? 0 : delivered / elapsed,
                PubMsgsPerSec = publishError is null ? o.Msgs / ((double)(publisher.FlushedAt - start) / Stopwatch.Frequency) : 0,
                Published = publisher.Sent,
                Expected = expected,
                Delivered = delivered,
                PerSubscriber = tracker.Subscribers.Select(s => s.Received).ToArray(),
            };

            if (!complete)
            {
                string why = publishError ?? tracker.FirstProblem() ?? (deadline.IsExpired ? "timed out" : $"no delivery for {o.Idle.TotalSeconds:0.#}s");
                result.Error = $"lost {result.Lost:#,0} of {expected:#,0} deliveries: {why}"
                    + (pubConnection.Error is null ? "" : $"; publisher got: {pubConnection.Error}");
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
