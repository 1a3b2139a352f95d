using System.Globalization;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Api;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>
/// One restore in progress, as nats-server 2.9.10's processStreamRestore: the client sends the archive in
/// chunks on <see cref="DeliverSubject"/>, each with a reply subject; each chunk is appended to a file under
/// the account's <c>__snapshots__</c> directory and answered with an empty message. The empty chunk ends it:
/// the stream is built (<see cref="SnapshotRestorer"/>) and the empty chunk's reply gets a
/// <c>stream_create_response</c> (the stream's info, or the error). Five seconds without a chunk abandon it
/// (nothing is answered); every end removes the received file.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its timer and file are disposed when it ends (StopReceiving); every path ends it.")]
internal sealed class RestoreSession
{
    private static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly JetStreamEngine _engine;
    private readonly JsAccount _js;
    private readonly StreamConfig _config;
    private readonly Func<JsApiError?> _admit;
    private readonly string _archivePath;
    private readonly string _stagingDir;
    private readonly long _room;
    private FileStream? _file;
    private InternalSubscriber? _subscription;
    private Timer? _stallTimer;
    private long _total;
    private long _lastActivity;
    private bool _done;

    private RestoreSession(JetStreamEngine engine, JsAccount js, StreamConfig config, Func<JsApiError?> admit, string id, FileStream file)
    {
        _engine = engine;
        _js = js;
        _config = config;
        _admit = admit;
        _file = file;
        _archivePath = file.Name;
        _stagingDir = Path.Combine(engine.SnapshotsDir(js.Account), "snap-" + id);
        DeliverSubject = $"$JS.SNAPSHOT.RESTORE.{config.Name}.{id}";
        Start = DateTime.UtcNow;
        _room = engine.MaxStore - (long)engine.Usage().Storage;
    }

    public string DeliverSubject { get; }

    public DateTime Start { get; }

    /// <summary>Creates the file the chunks go to; null when it cannot (the request is answered 10072, as nats-server).</summary>
    public static RestoreSession? Open(JetStreamEngine engine, JsAccount js, StreamConfig config, Func<JsApiError?> admit, string id)
    {
        try
        {
            string dir = engine.SnapshotsDir(js.Account);
            Directory.CreateDirectory(dir);
            var file = new FileStream(Path.Combine(dir, "js-restore-" + id), FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024);
            return new RestoreSession(engine, js, config, admit, id, file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            engine.Log.Warn($"JetStream: restore of stream '{js.Account.Name} > {config.Name}' has no temp storage: {ex.Message}");
            return null;
        }
    }

    /// <summary>Subscribes the deliver subject and starts the stall watch.</summary>
    public void Begin()
    {
        _engine.Log.Notice($"Starting restore for stream '{_js.Account.Name} > {_config.Name}'");
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        _subscription = _engine.Internal.Subscribe(_js.Account, DeliverSubject, (Account _, in InternalMessage m) => OnChunk(m));
        _stallTimer = new Timer(_ => CheckStalled(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>On the sender's read loop: the chunk is written before it is answered, so a fast sender is held back by the disk, as in nats-server.</summary>
    private void OnChunk(in InternalMessage m)
    {
        string? reply = m.Reply.IsEmpty ? null : Encoding.UTF8.GetString(m.Reply);
        lock (_lock)
        {
            if (_done)
            {
                return;
            }

            Volatile.Write(ref _lastActivity, Environment.TickCount64);
            if (reply is null)
            {
                _engine.Log.Warn($"Restore for stream '{_js.Account.Name} > {_config.Name}' requires reply subject for each chunk");
                End(null, JsErrors.StreamRestoreErrF.With($"restore for stream '{_js.Account.Name} > {_config.Name}' requires reply subject for each chunk"));
                return;
            }

            if (m.Data.IsEmpty)
            {
                End(reply, null);
                return;
            }

            _total += m.Data.Length;
            if (_total > _room)
            {
                End(reply, JsErrors.InsufficientResourcesErr);
                return;
            }

            try
            {
                _file!.Write(m.Data);
            }
            catch (IOException ex)
            {
                _engine.Reply(_js.Account, reply, "-ERR 'storage failure during restore'"u8);
                End(reply, JsErrors.StreamRestoreErrF.With(ex.Message));
                return;
            }

            _engine.Reply(_js.Account, reply, default);
        }
    }

    /// <summary>Stops receiving (under the lock) and finishes on the thread pool: building a stream takes a while.</summary>
    private void End(string? reply, JsApiError? error)
    {
        _done = true;
        StopReceiving();
        _ = Task.Run(() => Finish(reply, error));
    }

    private void Finish(string? reply, JsApiError? error)
    {
        JsStream? stream = null;
        try
        {
            error ??= SnapshotRestorer.Restore(_engine, _js, _config, _archivePath, _stagingDir, _admit, out stream);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = JsErrors.StreamRestoreErrF.With(ex.Message);
        }
        finally
        {
            DeleteArchive();
        }

        DateTime end = DateTime.UtcNow;
        if (stream is not null)
        {
            _engine.Advisories.StreamAction(_js, stream.Name, "create");
            foreach (Consumers.Consumer c in stream.Consumers.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                _engine.Advisories.ConsumerAction(_js, stream.Name, c.Name, "create");
            }
        }

        _engine.Advisories.RestoreComplete(_js, _config.Name, Start, end, Interlocked.Read(ref _total));
        string size = _total.ToString("N0", CultureInfo.InvariantCulture);
        byte[] response;
        if (stream is null)
        {
            _engine.Log.Warn($"Restore failed for {size} bytes for stream '{_js.Account.Name} > {_config.Name}' in {end - Start}: {error?.Description}");
            response = JsonSerializer.SerializeToUtf8Bytes(new ApiResponse { Type = "io.nats.jetstream.api.v1.stream_create_response", Error = error }, JsJson.Default.ApiResponse);
        }
        else
        {
            _engine.Log.Notice($"Completed restore of {size} bytes for stream '{_js.Account.Name} > {_config.Name}' in {end - Start}");
            StreamInfo info = stream.Info();
            response = JsonSerializer.SerializeToUtf8Bytes(new StreamInfo
            {
                Type = "io.nats.jetstream.api.v1.stream_create_response",
                Config = info.Config,
                Created = info.Created,
                State = info.State,
            }, JsJson.Default.StreamInfo);
        }

        if (reply is not null)
        {
            _engine.Reply(_js.Account, reply, response);
        }
    }

    /// <summary>Five seconds without a chunk: abandoned without an answer or an advisory, as nats-server.</summary>
    private void CheckStalled()
    {
        lock (_lock)
        {
            if (_done || Environment.TickCount64 - Volatile.Read(ref _lastActivity) < StallAfter.TotalMilliseconds)
            {
                return;
            }

            _done = true;
            StopReceiving();
        }

        _engine.Log.Warn($"Restore for stream '{_js.Account.Name} > {_config.Name}' is stalled");
        DeleteArchive();
    }

    private void StopReceiving()
    {
        if (_subscription is not null)
        {
            _engine.Internal.Unsubscribe(_subscription);
        }

        _stallTimer?.Dispose();
        _file?.Dispose();
        _file = null;
    }

    private void DeleteArchive()
    {
        try
        {
            File.Delete(_archivePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removed with the rest of __snapshots__ at the next start.
        }
    }
}
