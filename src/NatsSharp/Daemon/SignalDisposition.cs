using System.Runtime.InteropServices;

namespace NatsSharp.Daemon;

/// <summary>
/// A server started with <c>nohup</c>, or in the background of a script, inherits SIGHUP (and
/// SIGINT/SIGQUIT) as ignored, and .NET leaves an ignored signal ignored even when a handler is
/// registered: <c>-sl reload</c> and <c>-sl stop</c> would do nothing. nats-server (Go) takes the
/// signals it handles back, so we put them back to their default before registering ours.
/// </summary>
internal static partial class SignalDisposition
{
    private static readonly nint SigDfl = 0;

    /// <summary>Resets the given signals to their default action (call before PosixSignalRegistration.Create).</summary>
    public static void RestoreDefaults(params ReadOnlySpan<int> signals)
    {
        foreach (int signal in signals)
        {
            _ = Signal(signal, SigDfl); // best effort: a failure leaves the inherited disposition
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
