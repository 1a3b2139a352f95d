using System.Globalization;
using System.Text;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;
using Serilog.Sinks.File;

namespace NatsSharp.Logging;

/// <summary>
/// The log file. Serilog.Sinks.File writes it (append, UTF-8, one flush per line); this class adds
/// what nats-server does and that library cannot: SIGUSR1 reopens the same path (after logrotate
/// renamed it), and past <c>log_size_limit</c> the live file is renamed to
/// <c>file.YYYY.MM.DD.hh.mm.ss.nnnnnnnnn</c> and a new one starts with
/// <c>Rotated log, backup saved as "..."</c>. The library's own size rolling never renames the live
/// file (it moves on to <c>file_001</c>, <c>file_002</c>...), so it cannot give nats-server's names.
/// Not thread-safe: <see cref="NatsLogSink"/> serialises every call.
/// </summary>
internal sealed class NatsFileSink : ILogEventSink, IDisposable
{
    private static readonly MessageTemplate RotatedTemplate = new MessageTemplateParser().Parse("Rotated log, backup saved as \"{Backup:l}\"");

    private readonly ITextFormatter _formatter;
    private Logger? _file;
    private Stream? _stream; // the open file, handed over by the hook: its position is the file's size

    /// <summary>Opens (appends to) <paramref name="path"/>; throws IOException or UnauthorizedAccessException.</summary>
    public NatsFileSink(string path, ITextFormatter formatter, long sizeLimit)
    {
        Path = path;
        _formatter = formatter;
        SizeLimit = sizeLimit;
        _file = Open();
    }

    public string Path { get; }

    /// <summary><c>log_size_limit</c> in bytes; 0 = no rotation.</summary>
    public long SizeLimit { get; set; }

    public void Emit(LogEvent logEvent)
    {
        try
        {
            _file ??= Open(); // a rotation that could not reopen tries again here
            Write(_file, logEvent);
            if (SizeLimit > 0 && _stream is { } stream && stream.Position > SizeLimit)
            {
                Rotate();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full disk or a vanished directory must never stop the server; the line is lost.
        }
    }

    /// <summary>Closes and reopens the path. The new file is opened first, so a failure keeps the old one (and throws).</summary>
    public void Reopen()
    {
        Logger next = Open();
        _file?.Dispose();
        _file = next;
    }

    private void Rotate()
    {
        DateTime now = DateTime.Now;
        string backup = Path + "." + now.ToString("yyyy.MM.dd.HH.mm.ss", CultureInfo.InvariantCulture) + "."
            + (now.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture);
        _file?.Dispose();
        _file = null;
        _stream = null;
        try
        {
            File.Move(Path, backup);
        }
        catch (IOException)
        {
            // Keep logging into the same file; the next line past the limit tries again.
        }

        _file = Open();
        Write(_file, new LogEvent(DateTimeOffset.Now, LogEventLevel.Information, null, RotatedTemplate, [new LogEventProperty("Backup", new ScalarValue(backup))]));
    }

    private static void Write(Logger file, LogEvent logEvent) => ((ILogEventSink)file).Emit(logEvent);

    private Logger Open()
    {
        // Like Go's os.OpenFile (and unlike Serilog's file sink), a missing directory is an error, not created.
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Could not find a part of the path '{System.IO.Path.GetFullPath(Path)}'.");
        }

        // AuditTo: an open or write failure is thrown to us, not swallowed into a silent sink.
        return new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .AuditTo.File(_formatter, Path, hooks: new StreamHook(this))
            .CreateLogger();
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        _stream = null;
    }

    /// <summary>Keeps the stream Serilog.Sinks.File opened, to read the file's size after each line.</summary>
    private sealed class StreamHook(NatsFileSink owner) : FileLifecycleHooks
    {
        public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
        {
            owner._stream = underlyingStream;
            return underlyingStream;
        }
    }
}
