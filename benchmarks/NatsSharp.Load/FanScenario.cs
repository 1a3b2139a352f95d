using System.Diagnostics;

namespace NatsSharp.Load;

/// <summary>
/// One publisher and N subscribers: pubsub (N = 1), fanout (every subscriber gets every message) and queue
/// (one queue group, every message delivered exactly once); fanin is N publishers, each on its own connection,
/// and one subscriber.
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

            int pubs = o.Scenario == Scenario.FanIn ? o.Pubs : 1;
            var pubConnections = new NatsConnection[pubs];
            for (int i = 0; i < pubs; i++)
            {
                pubConnections[i] = NatsConnection.Connect(url, pubs == 1 ? "natsload-pub" : $"natsload-pub-{i + 1}", deadline);
                connections.Add(pubConnections[i]);
                pubConnections[i].StartReader();
            }

            NatsConnection pubConnection = pubConnections[0];
            ScenarioChecks.CheckPayload(o, pubConnection);
            long window = ScenarioChecks.Window(o);
            Publisher[] publishers = pubConnections.Select(c => new Publisher(c, o.Subject, o.Size, window, o.Subjects)).ToArray();

            tracker.MarkStart();
            long start = Stopwatch.GetTimestamp();
            string? publishError = RunPublishers(publishers, o, tracker, window, deadline);

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
                PubMsgsPerSec = publishError is null ? o.Msgs / ((double)(publishers.Max(p => p.FlushedAt) - start) / Stopwatch.Frequency) : 0,
                Published = publishers.Sum(p => p.Sent),
                Expected = expected,
                Delivered = delivered,
                PerSubscriber = tracker.Subscribers.Select(s => s.Received).ToArray(),
            };

            if (!complete)
            {
                string why = publishError ?? tracker.FirstProblem() ?? (deadline.IsExpired ? "timed out" : $"no delivery for {o.Idle.TotalSeconds:0.#}s");
                result.Error = $"lost {result.Lost:#,0} of {expected:#,0} deliveries: {why}"
                    + (pubConnections.FirstOrDefault(c => c.Error is not null) is { } failed ? $"; {failed.Name} got: {failed.Error}" : "");
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

    /// <summary>
    /// Publishes --msgs split over <paramref name="publishers"/>, each on its own thread once there are several,
    /// all under one flow-control window. Returns why publishing stopped, or null when every PUB went out.
    /// </summary>
    private static string? RunPublishers(Publisher[] publishers, Options o, DeliveryTracker tracker, long window, Deadline deadline)
    {
        if (publishers.Length == 1)
        {
            try
            {
                publishers[0].Run(o.Msgs, tracker, window, deadline, o.Idle);
                return null;
            }
            catch (LoadException ex)
            {
                // Still report what was delivered: a stalled or dropped subscriber is a result, not a crash.
                return ex.Message;
            }
        }

        Exception? error;
        try
        {
            Publisher.RunAll(publishers, o.Msgs, tracker, window, deadline, o.Idle, TimeSpan.FromSeconds(1), out error);
        }
        catch (LoadException ex)
        {
            return ex.Message; // still running past the deadline
        }

        return error switch
        {
            null => null,
            LoadException => error.Message,
            _ => throw new LoadException(error.Message, error),
        };
    }
}
