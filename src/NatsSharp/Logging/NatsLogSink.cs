using NatsSharp.Server;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace NatsSharp.Logging;

/// <summary>
/// Where the log goes, chosen in nats-server's order of preference: the log file, else remote
/// syslog, else local syslog, else stderr; as text (nats-server's lines) or, with
/// <c>log_format: json</c>, one JSON object per line (syslog stays text). A reload calls
/// <see cref="Configure"/>, SIGUSR1 <see cref="Reopen"/>. One lock serialises writing and switching.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213", Justification = "_file is the same object as _owned, which Dispose disposes.")]
internal sealed class NatsLogSink : ILogEventSink, IDisposable
{
    private readonly object _lock = new();
    private readonly string _tag;
    private ILogEventSink? _target;
    private IDisposable? _owned;
    private NatsFileSink? _file;
    private NatsTextFormatter? _text;
    private bool _json;

    /// <summary>Throws IOException or UnauthorizedAccessException when the destination cannot be opened.</summary>
    public NatsLogSink(ServerOptions options, string tag)
    {
        _tag = tag;
        Configure(options);
    }

    /// <summary>Points the sink at the destination the options name. Throws IOException when it cannot be opened (the old one stays).</summary>
    public void Configure(ServerOptions options)
    {
        bool json = options.LogFormat == "json";
        lock (_lock)
        {
            if (_file is not null && options.LogFile == _file.Path && json == _json)
            {
                // Same file: keep it open, only the line's settings change.
                if (_text is not null)
                {
                    _text.Logtime = options.Logtime;
                }

                _file.SizeLimit = options.LogSizeLimit;
                return;
            }

            NatsTextFormatter? text = null;
            ITextFormatter Formatter(bool colors) => json ? new NatsJsonFormatter() : text = new NatsTextFormatter(options.Logtime, colors);
            NatsFileSink? file = null;
            ILogEventSink target;
            if (options.LogFile.Length > 0)
            {
                target = file = new NatsFileSink(options.LogFile, Formatter(colors: false), options.LogSizeLimit);
            }
            else if (options.RemoteSyslog.Length > 0)
            {
                target = SyslogSink.OpenRemote(options.RemoteSyslog, _tag);
            }
            else if (options.Syslog)
            {
                target = SyslogSink.OpenLocal(_tag);
            }
            else
            {
                // Serilog.Sinks.Console formats a line into a buffer and writes it at once; every level to stderr.
                target = new LoggerConfiguration()
                    .MinimumLevel.Verbose()
                    .WriteTo.Console(Formatter(colors: !json && !Console.IsErrorRedirected), standardErrorFromLevel: LogEventLevel.Verbose)
                    .CreateLogger();
            }

            _owned?.Dispose();
            _target = target;
            _owned = target as IDisposable;
            _file = file;
            _text = text;
            _json = json;
        }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            _target?.Emit(logEvent); // null once disposed
        }
    }

    /// <summary>
    /// Closes and reopens the log file, so a file renamed by logrotate is released. False when the
    /// log is not a file. Throws IOException when the file cannot be reopened (the old one stays).
    /// </summary>
    public bool Reopen()
    {
        lock (_lock)
        {
            if (_file is null)
            {
                return false;
            }

            _file.Reopen();
            return true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _owned?.Dispose();
            _owned = null;
            _file = null;
            _target = null;
        }
    }
}
