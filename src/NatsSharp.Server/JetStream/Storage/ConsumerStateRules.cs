namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// How a delivery or an ack changes a <see cref="ConsumerState"/>: nats-server 2.9.10's
/// consumerFileStore.UpdateDelivered / UpdateAcks rules, shared by the file and memory stores
/// (and replayed from the file store's log at open).
/// </summary>
internal static class ConsumerStateRules
{
    public static void ApplyDelivered(ConsumerState state, StoreAckPolicy policy, ulong dseq, ulong sseq, ulong deliveryCount, long timestampNs)
    {
        // A replay of something already acknowledged changes nothing.
        if (dseq <= state.AckFloor.ConsumerSequence)
        {
            return;
        }

        if (policy == StoreAckPolicy.None)
        {
            state.Delivered = new SequencePair(dseq, sseq);
            state.AckFloor = state.Delivered;
            return;
        }

        if (sseq <= state.Delivered.StreamSequence)
        {
            // A redelivery: the pending entry takes the new consumer sequence and time.
            if (state.Pending.ContainsKey(sseq))
            {
                state.Pending[sseq] = new PendingDelivery(dseq, timestampNs);
            }
        }
        else
        {
            state.Pending[sseq] = new PendingDelivery(dseq, timestampNs);
        }

        state.Delivered = new SequencePair(
            Math.Max(dseq, state.Delivered.ConsumerSequence),
            Math.Max(sseq, state.Delivered.StreamSequence));
        if (deliveryCount > 1)
        {
            state.Redelivered[sseq] = deliveryCount - 1;
        }
    }

    /// <summary>False when <paramref name="sseq"/> was not pending (nats-server's ErrStoreMsgNotFound).</summary>
    public static bool ApplyAck(ConsumerState state, StoreAckPolicy policy, ulong dseq, ulong sseq)
    {
        if (policy == StoreAckPolicy.None || !state.Pending.ContainsKey(sseq))
        {
            return false;
        }

        if (dseq <= state.AckFloor.ConsumerSequence)
        {
            return true;
        }

        if (policy == StoreAckPolicy.All)
        {
            ulong floor = state.AckFloor.StreamSequence;
            state.AckFloor = new SequencePair(dseq, sseq);
            // Everything pending at or below sseq (and above the old floor) is acknowledged.
            foreach (ulong pending in state.Pending.Keys.Where(s => s <= sseq && s > floor).ToList())
            {
                state.Pending.Remove(pending);
                state.Redelivered.Remove(pending);
            }

            return true;
        }

        if (state.Pending.Remove(sseq, out var delivery))
        {
            dseq = delivery.ConsumerSequence;
        }

        state.Redelivered.Remove(sseq);
        if (state.Pending.Count == 0)
        {
            state.AckFloor = state.Delivered;
        }
        else if (dseq == state.AckFloor.ConsumerSequence + 1)
        {
            bool first = state.AckFloor.ConsumerSequence == 0;
            state.AckFloor = new SequencePair(dseq, sseq);
            if (!first && state.Delivered.ConsumerSequence > dseq)
            {
                for (ulong ss = sseq + 1; ss < state.Delivered.StreamSequence; ss++)
                {
                    if (state.Pending.TryGetValue(ss, out var p))
                    {
                        if (p.ConsumerSequence > 0)
                        {
                            state.AckFloor = new SequencePair(p.ConsumerSequence - 1, ss - 1);
                        }

                        break;
                    }
                }
            }
        }

        return true;
    }
}
