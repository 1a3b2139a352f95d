using System.Diagnostics;

namespace NatsSharp.Load;

/// <summary>Request/reply round trips, one in flight at a time: latency percentiles and requests/s.</summary>
internal static class ReqRepScenario
{
    public static RunResult Run(Options o, Deadline deadline)
    {
        NatsUrl url = NatsUrl.Parse(o.Url);
        NatsConnection? responderConnection = null;
        NatsConnection? requester = null;
        try
        {
            responderConnection = NatsConnection.Connect(url, "natsload-responder", deadline);
            ScenarioChecks.CheckPayload(o, responderConnection);
            responderConnection.Sink = new Responder(o.Size);
            responderConnection.Send(System.Text.Encoding.ASCII.GetBytes($"SUB {o.Subject} 1\r\n"));
            responderConnection.Flush(deadline);
            responderConnection.StartReader();

            // The requester reads inline on this thread: no thread hand-off inside the measured round trip.
            requester = NatsConnection.Connect(url, "natsload-requester", deadline);
            string inbox = "_INBOX.natsload." + Guid.NewGuid().ToString("N");
            requester.Send(System.Text.Encoding.ASCII.GetBytes($"SUB {inbox} 1\r\n"));
            requester.Flush(deadline);
            byte[] request = Publisher.BuildPub(o.Subject, inbox, Publisher.CreatePayload(o.Size));

            long replies = 0;
            for (int i = 0; i < o.Warmup; i++)
            {
                requester.Send(request);
                requester.WaitForReceived(++replies, deadline);
            }

            var ticks = new long[o.Msgs];
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < ticks.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                requester.Send(request);
                requester.WaitForReceived(++replies, deadline);
                ticks[i] = Stopwatch.GetTimestamp() - t0;
            }

            double elapsed = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;
            return new RunResult
            {
                Options = o,
                ServerName = requester.Info.ServerName,
                ServerVersion = requester.Info.Version,
                ElapsedSeconds = elapsed,
                MsgsPerSec = o.Msgs / elapsed,
                PubMsgsPerSec = o.Msgs / elapsed,
                Published = o.Msgs,
                Expected = o.Msgs,
                Delivered = o.Msgs,
                Latency = LatencyStats.FromTicks(ticks),
            };
        }
        finally
        {
            requester?.Dispose();
            responderConnection?.Dispose();
        }
    }
}
