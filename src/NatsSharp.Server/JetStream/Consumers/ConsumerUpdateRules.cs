using System.Text.Json;
using NatsSharp.Server.JetStream.Api;

namespace NatsSharp.Server.JetStream.Consumers;

/// <summary>
/// What a create for an existing consumer name may change: nats-server 2.9.10's checkNewConsumerConfig,
/// in its order. Both configs have their defaults applied. Its errors reach the client as a consumer
/// create error (500, 10012) with the reason as the text, or as the API error itself.
/// </summary>
internal static class ConsumerUpdateRules
{
    public static JsApiError? Check(ConsumerConfig old, ConsumerConfig updated, Func<string, bool> hasInterest)
    {
        // nats-server compares the structs first: the same config again is no update at all.
        if (JsonSerializer.SerializeToUtf8Bytes(old, JsJson.Default.ConsumerConfig)
            .AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(updated, JsJson.Default.ConsumerConfig)))
        {
            return null;
        }

        string? why = old.DeliverPolicy != updated.DeliverPolicy ? "deliver policy can not be updated"
            : old.OptStartSeq != updated.OptStartSeq ? "start sequence can not be updated"
            // nats-server compares the two *time.Time pointers, so any start time differs from any other.
            : old.OptStartTime is not null || updated.OptStartTime is not null ? "start time can not be updated"
            : old.AckPolicy != updated.AckPolicy ? "ack policy can not be updated"
            : old.ReplayPolicy != updated.ReplayPolicy ? "replay policy can not be updated"
            : old.Heartbeat != updated.Heartbeat ? "heart beats can not be updated"
            : old.FlowControl != updated.FlowControl ? "flow control can not be updated"
            : old.MaxWaiting != updated.MaxWaiting ? "max waiting can not be updated"
            : null;
        if (why is not null)
        {
            return JsErrors.ConsumerCreateErrF.With(why);
        }

        string oldDeliver = old.DeliverSubject ?? "";
        string newDeliver = updated.DeliverSubject ?? "";
        if (oldDeliver != newDeliver)
        {
            if (oldDeliver.Length == 0)
            {
                return JsErrors.ConsumerCreateErrF.With("can not update pull consumer to push based");
            }

            if (newDeliver.Length == 0)
            {
                return JsErrors.ConsumerCreateErrF.With("can not update push consumer to pull based");
            }

            // A bound push consumer keeps its deliver subject.
            if (hasInterest(oldDeliver))
            {
                return JsErrors.ConsumerNameExistErr;
            }
        }

        if (updated.BackOff is { Count: > 0 } backOff && updated.MaxDeliver <= backOff.Count)
        {
            return JsErrors.ConsumerMaxDeliverBackoffErr;
        }

        return null;
    }
}
