using System.Globalization;

namespace NatsSharp.Daemon;

/// <summary>The pid file: the pid's digits, no newline (as nats-server writes it), removed at exit.</summary>
internal static class PidFile
{
    public static void Write(string path) =>
        File.WriteAllText(path, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    public static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
