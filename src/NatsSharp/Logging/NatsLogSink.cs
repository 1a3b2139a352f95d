using System.Globalization;
using System.Text;
using NatsSharp.Server;

namespace NatsSharp.Logging;

/// <summary>
/// Writes log lines shaped like nats-server's:
/// <c>[pid] 2026/11/22 10:00:00.000000 [INF] message</c>, to the log file (reopened on
/// SIGUSR1 for logrotate, rotated at <c>log_size_limit</c>), else to remote or local
/// syslog, else to stderr, in nats-server's order of preference. A reload reconfigures it.
/// </summary>
internal sealed class NatsLogSink : IDisposable
{
    private readonly object _lock = new();
    private readonly string _pidPrefix = $"[{Environment.ProcessId}] ";
    private readonly string _tag;
    private string _logFile = "";
    private long _sizeLimit;
    private long _written;
    private bool _colors;
    private TextWriter _writer = Console.Error;
    private FileStream? _file;
    private SyslogSink? _syslog;

    public NatsLogSink(ServerOptions options, string tag)
    {
        _tag = tag;
        Configure(options);
    }

    public bool Logtime { get; private set; }

    /// <summary>Points the sink at the destination the options name. Throws IOException when it cannot be opened.</summary>
    public void Configure(ServerOptions options)
    {
        lock (_lock)
        {
            Logtime = options.Logtime;
            _sizeLimit = options.LogSizeLimit;
            bool sameFile = options.LogFile.Length > 0 && options.LogFile == _logFile && _file is not null;
            if (sameFile)
            {
                return;
            }

            SyslogSink? syslog = null;
            if (options.LogFile.Length == 0 && options.RemoteSyslog.Length > 0)
            {
                syslog = SyslogSink.OpenRemote(options.RemoteSyslog, _tag);
            }
            else if (options.LogFile.Length == 0 && options.Syslog)
            {
                syslog = SyslogSink.OpenLocal(_tag);
            }

            CloseCurrent();
            _syslog = syslog;
            _logFile = options.LogFile;
            _colors = _logFile.Length == 0 && !Console.IsErrorRedirected;
            OpenFile();
        }
    }

    public void Write(string label, string message)
    {
        lock (_lock)
        {
            if (_syslog is not null)
            {
                _syslog.Write(label, message);
                return;
            }

            string line = Format(label, message, _colors);
            _writer.Write(line);
            _writer.Flush();
            if (_file is not null && _sizeLimit > 0)
            {
                _written += Encoding.UTF8.GetByteCount(line);
                if (_written > _sizeLimit)
                {
                    Rotate();
                }
            }
        }
    }

    /// <summary>Closes and reopens the log file, so a file renamed by logrotate is released.</summary>
    public void Reopen()
    {
        lock (_lock)
        {
            if (_file is null)
            {
                Write("INF", "File log re-open ignored, not a file logger");
                return;
            }

            CloseCurrent();
            OpenFile();
        }

        Write("INF", "File log re-opened");
    }

    /// <summary>Past log_size_limit: rename to <c>file.YYYY.MM.DD.hh.mm.ss.nnnnnnnnn</c> and start a new file, as nats-server.</summary>
    private void Rotate()
    {
        DateTime now = DateTime.Now;
        string backup = _logFile + "." + now.ToString("yyyy.MM.dd.HH.mm.ss", CultureInfo.InvariantCulture) + "."
            + (now.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture);
        CloseCurrent();
        try
        {
            File.Move(_logFile, backup);
        }
        catch (IOException)
        {
            // Keep logging into the same file; the next write tries again.
        }

        OpenFile();
        string line = Format("INF", $"Rotated log, backup saved as \"{backup}\"", colors: false);
        _writer.Write(line);
        _writer.Flush();
        _written = Encoding.UTF8.GetByteCount(line);
    }

    private string Format(string label, string message, bool colors)
    {
        var sb = new StringBuilder(message.Length + 48);
        sb.Append(_pidPrefix);
        if (Logtime)
        {
            sb.Append(DateTime.Now.ToString("yyyy/MM/dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append(' ');
        }

        sb.Append('[');
        if (colors)
        {
            sb.Append(ColorOf(label)).Append(label).Append("\x1b[0m");
        }
        else
        {
            sb.Append(label);
        }

        return sb.Append("] ").Append(message).Append('\n').ToString();
    }

    private void OpenFile()
    {
        if (_logFile.Length == 0)
        {
            _writer = Console.Error;
            return;
        }

        _file = new FileStream(_logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _written = _file.Length;
        _writer = new StreamWriter(_file, new UTF8Encoding(false)) { AutoFlush = false };
    }

    private void CloseCurrent()
    {
        _syslog?.Dispose();
        _syslog = null;
        if (_file is not null)
        {
            _writer.Dispose();
            _file = null;
        }

        _writer = Console.Error;
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
            CloseCurrent();
        }
    }
}
