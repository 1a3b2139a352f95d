using System.Text;

namespace NatsSharp.Load;

/// <summary>Preconditions and sizing shared by the scenarios.</summary>
internal static class ScenarioChecks
{
    // Well under nats-server's default 64 MB per-client max_pending, leaving room for kernel socket buffers.
    private const long WindowBytes = 16L * 1024 * 1024;

    public static void CheckPayload(Options o, NatsConnection connection)
    {
        if (o.Size > connection.Info.MaxPayload)
        {
            throw new LoadException($"--size {o.Size} exceeds the server's max_payload {connection.Info.MaxPayload}");
        }
    }

    /// <summary>Messages allowed in flight: --window, or 16 MB worth of deliveries.</summary>
    public static long Window(Options o)
    {
        if (o.Window > 0)
        {
            return o.Window;
        }

        long delivery = Encoding.ASCII.GetByteCount($"MSG {o.Subject} 1 {o.Size}\r\n") + o.Size + 2L;
        return Math.Max(1, WindowBytes / delivery);
    }
}
