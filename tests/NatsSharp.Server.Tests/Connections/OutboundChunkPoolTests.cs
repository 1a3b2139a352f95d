using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>The pool is process-wide: these run alone, so no other test's connection takes or returns a chunk meanwhile.</summary>
[Collection(OutboundChunkPoolCollection.Name)]
public sealed class OutboundChunkPoolTests
{
    [Fact]
    public void AReturnedChunkIsHandedOutAgainAndDroppedOnlyAfterATickWithoutUse()
    {
        byte[] chunk = OutboundChunkPool.Rent();
        Assert.Equal(OutboundChunkPool.ChunkSize, chunk.Length);
        OutboundChunkPool.Return(chunk);
        Assert.Same(chunk, OutboundChunkPool.Rent()); // reused, not allocated anew

        // The first tick after a use keeps the chunks, the next one without use drops them. (IdleTrim's own
        // 5 s tick may be one of the two; it cannot be both in the microseconds between them.)
        OutboundChunkPool.Return(chunk);
        bool first = OutboundChunkPool.TrimIfIdle();
        bool second = OutboundChunkPool.TrimIfIdle();
        Assert.True(first || second);
        Assert.False(OutboundChunkPool.TrimIfIdle()); // nothing left to drop
        Assert.NotSame(chunk, OutboundChunkPool.Rent());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OutboundChunkPoolCollection
{
    public const string Name = "OutboundChunkPool";
}
