using System.IO.Compression;
using System.Text.Json;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Snapshots;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>
/// STREAM.SNAPSHOT and STREAM.RESTORE as nats-server 2.9.10 answers them (jsStreamSnapshotRequest,
/// jsStreamRestoreRequest): the same checks in the same order, codes and texts. The archive is NatsSharp's
/// own (<see cref="SnapshotFormat"/>); the conversation around it is nats-server's.
/// </summary>
internal sealed partial class JsApi
{
    private void Snapshot(JsAccount js, string name, byte[] body, string reply)
    {
        const string type = "io.nats.jetstream.api.v1.stream_snapshot_response";
        if (IsEmptyRequest(body))
        {
            Error(js, reply, type, JsErrors.BadRequestErr);
            return;
        }

        if (js.Find(name) is not { } stream)
        {
            Error(js, reply, type, JsErrors.StreamNotFoundErr);
            return;
        }

        if (!TryDeserialize(body, JsJson.Default.SnapshotRequest, out SnapshotRequest? req))
        {
            Error(js, reply, type, JsErrors.InvalidJSONErr);
            return;
        }

        if (req?.DeliverSubject is not { } deliver || !JsSubject.IsValid(deliver))
        {
            Error(js, reply, type, JsErrors.SnapshotDeliverSubjectInvalidErr);
            return;
        }

        DateTime start = DateTime.UtcNow;
        SnapshotCapture capture;
        try
        {
            capture = SnapshotCapture.Take(stream, !req.NoConsumers);
        }
        catch (ObjectDisposedException)
        {
            Error(js, reply, type, JsErrors.StreamSnapshotErrF.With("invalid stream"));
            return;
        }

        _engine.Log.Notice($"Starting snapshot for stream '{js.Account.Name} > {name}'");
        Send(js, reply, new SnapshotResponse { Config = capture.Config, State = capture.Info }, JsJson.Default.SnapshotResponse);
        _engine.Advisories.SnapshotCreate(js, name, capture.Info);

        // chunk_size 0 is nats-server's default; a negative one would crash it; above max_payload clients would refuse the chunk.
        int chunkSize = req.ChunkSize <= 0 ? SnapshotChunkSender.DefaultChunkSize : Math.Min(req.ChunkSize, _engine.MaxPayload);
        _ = Task.Factory.StartNew(() => RunSnapshot(js, stream, capture, deliver, chunkSize, start), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>On its own thread: the archive is compressed into chunks as the store is read, with the client's flow control.</summary>
    private void RunSnapshot(JsAccount js, JsStream stream, SnapshotCapture capture, string deliver, int chunkSize, DateTime start)
    {
        string ackPrefix = $"$JS.SNAPSHOT.ACK.{stream.Name}.{NewName()}";
        using var sender = new SnapshotChunkSender(_engine.Internal, js.Account, deliver, ackPrefix, chunkSize);
        InternalSubscriber acks = _engine.Internal.Subscribe(js.Account, ackPrefix + ".>", (Account _, in InternalMessage m) => sender.OnAck(m.Subject));
        try
        {
            sender.WaitForInterest(TimeSpan.FromSeconds(2));
            using (var gzip = new GZipStream(sender, CompressionLevel.Fastest, leaveOpen: true))
            {
                SnapshotWriter.Write(gzip, stream, capture, () => sender.Aborted);
            }

            sender.Finish();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or ArgumentException)
        {
            // The stream went away (or its store failed): the client gets the end message and an archive a restore refuses.
            _engine.Log.Warn($"Snapshot of stream '{js.Account.Name} > {stream.Name}' failed: {ex.Message}");
            sender.SendEnd();
        }
        finally
        {
            _engine.Internal.Unsubscribe(acks);
            DateTime end = DateTime.UtcNow;
            _engine.Advisories.SnapshotComplete(js, stream.Name, start, end);
            _engine.Log.Notice($"Completed snapshot of {sender.Sent:N0} bytes for stream '{js.Account.Name} > {stream.Name}' in {end - start}");
        }
    }

    private void Restore(JsAccount js, string name, byte[] body, string reply)
    {
        if (IsEmptyRequest(body))
        {
            RestoreError(js, reply, JsErrors.BadRequestErr);
            return;
        }

        if (!TryDeserialize(body, JsJson.Default.RestoreRequest, out RestoreRequest? req))
        {
            RestoreError(js, reply, JsErrors.InvalidJSONErr);
            return;
        }

        StreamConfig cfg = req?.Config ?? new StreamConfig();
        if (cfg.Name.Length == 0)
        {
            cfg.Name = name; // nats-server names it after the subject; a different name in the config wins
        }

        // nats-server checks replicas when it adds the restored stream, at the end: the error comes then.
        int replicas = cfg.Replicas;
        cfg.Replicas = Math.Min(cfg.Replicas, 1);
        if (cfg.Name.Contains('/') || cfg.Name.Contains('\\'))
        {
            RestoreError(js, reply, JsErrors.StreamNameContainsPathSeparatorsErr);
            return;
        }

        if (CheckStreamConfig(js, cfg) is { } invalid)
        {
            RestoreError(js, reply, invalid);
            return;
        }

        if (JsLimits.CheckStreamCreate(js, cfg) is { } limited)
        {
            RestoreError(js, reply, limited);
            return;
        }

        if (js.Find(name) is not null)
        {
            RestoreError(js, reply, JsErrors.StreamNameExistRestoreFailedErr);
            return;
        }

        // Checked again under the account's lock just before the stream is added (the restore may take long).
        JsApiError? Admit() =>
            replicas > 1 ? JsErrors.StreamReplicasNotSupportedErr
            : js.Find(cfg.Name) is not null ? JsErrors.StreamNameExistRestoreFailedErr
            : JsLimits.CheckStreamCreate(js, cfg) ?? (Overlaps(js, cfg, null) ? JsErrors.StreamSubjectOverlapErr : null);

        if (RestoreSession.Open(_engine, js, cfg, Admit, NewName()) is not { } session)
        {
            RestoreError(js, reply, JsErrors.TempStorageFailedErr);
            return;
        }

        _engine.Advisories.RestoreCreate(js, cfg.Name, session.Start);
        session.Begin();
        Send(js, reply, new RestoreResponse { DeliverSubject = session.DeliverSubject }, JsJson.Default.RestoreResponse);
    }

    private void RestoreError(JsAccount js, string reply, JsApiError error)
    {
        js.CountError();
        Send(js, reply, new RestoreResponse { Error = error }, JsJson.Default.RestoreResponse);
    }

    /// <summary>nats-server's isEmptyRequest: no body, or a JSON object without members.</summary>
    private static bool IsEmptyRequest(byte[] body)
    {
        if (body.Length == 0)
        {
            return true;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && !doc.RootElement.EnumerateObject().Any();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
