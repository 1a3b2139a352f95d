using System.Globalization;
using System.Text;

namespace NatsSharp.Logging;

/// <summary>
/// Writes log lines shaped like nats-server's:
/// <c>[pid] 2026/11/22 10:00:00.000000 [INF] message</c>, to stderr or to a log file
/// that can be reopened (SIGUSR1, for logrotate).
/// </summary>
internal sealed class NatsLogSink : IDisposable
{
    private readonly object _lock = new();
    private readonly string _pidPrefix = $"[{Environment.ProcessId}] ";
    private readonly string _logFile;
    private readonly bool _colors;
    private TextWriter _writer;

    public NatsLogSink(string logFile, bool logtime)
    {
        _logFile = logFile;
        Logtime = logtime;
        _colors = logFile.Length == 0 && !Console.IsErrorRedirected;
        _writer = Open();
    }

    public bool Logtime { get; set; }

    public void Write(string label, string message)
    {
        var sb = new StringBuilder(message.Length + 48);
        sb.Append(_pidPrefix);
        if (Logtime)
        {
            sb.Append(DateTime.Now.ToString("yyyy/MM/dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append(' ');
        }

        sb.Append('[');
        if (_colors)
        {
            sb.Append(ColorOf(label)).Append(label).Append("\x1b[0m");
        }
        else
        {
            sb.Append(label);
        }

        sb.Append("] ").Append(message).Append('\n');
        lock (_lock)
        {
            _writer.Write(sb.ToString());
            _writer.Flush();
        }
    }

    /// <summary>Closes and reopens the log file, so a rotated file is released.</summary>
    public void Reopen()
    {
        if (_logFile.Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            _writer.Dispose();
            _writer = Open();
        }

        Write("INF", "File log re-opened");
    }

    private TextWriter Open()
    {
        if (_logFile.Length == 0)
        {
            return Console.Error;
        }

        var stream = new FileStream(_logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = false };
    }

    private static string ColorOf(string label) => label switch
    {
        "INF" => "\x1b[32m",
        "DBG" => "\x1b[36m",
        "WRN" => "\x1b[0;93m",
        "TRC" => "\x1b[33m",
        _ => "\x1b[31m",
    };

    public void Dispose()
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_writer, Console.Error))
            {
                _writer.Dispose();
            }
        }
    }
}
