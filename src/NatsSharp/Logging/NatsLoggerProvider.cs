using Microsoft.Extensions.Logging;

namespace NatsSharp.Logging;

/// <summary>An ILoggerProvider that hands the broker's log to a <see cref="NatsLogSink"/>.</summary>
internal sealed class NatsLoggerProvider : ILoggerProvider
{
    private readonly NatsLogSink _sink;

    public NatsLoggerProvider(NatsLogSink sink) => _sink = sink;

    /// <summary>The lowest level written (Trace under -V, Debug under -D, else Information).</summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Information;

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this);

    public void Dispose()
    {
    }

    private sealed class SinkLogger : ILogger
    {
        private readonly NatsLoggerProvider _provider;

        public SinkLogger(NatsLoggerProvider provider) => _provider = provider;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= _provider.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            _provider._sink.Write(Label(logLevel), formatter(state, exception));
        }

        private static string Label(LogLevel level) => level switch
        {
            LogLevel.Trace => "TRC",
            LogLevel.Debug => "DBG",
            LogLevel.Information => "INF",
            LogLevel.Warning => "WRN",
            LogLevel.Error => "ERR",
            _ => "FTL",
        };
    }
}
