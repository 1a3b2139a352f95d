using System.Buffers;
using System.Text;
using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

public sealed class InboundBufferTests
{
    [Fact]
    public void What_is_left_unconsumed_stays_in_front_of_the_next_receive_and_all_consumed_gives_the_array_back()
    {
        var inbound = default(InboundBuffer);
        Assert.True(inbound.Unread.IsEmpty);

        Receive(ref inbound, "PING\r\nPUB a 5\r\nhel");
        inbound.Consume(6); // the parser took the PING
        Assert.Equal("PUB a 5\r\nhel", Text(inbound.Unread));

        Receive(ref inbound, "lo\r\n");
        Assert.Equal("PUB a 5\r\nhello\r\n", Text(inbound.Unread));
        Assert.True(inbound.Unread.IsSingleSegment);

        inbound.Consume(inbound.Length);
        Assert.Equal(0, inbound.Length);
        Assert.True(inbound.Unread.IsEmpty); // no array held: an idle connection keeps none
    }

    [Fact]
    public void A_partial_command_near_the_end_moves_to_the_front_and_one_larger_than_the_array_grows_it()
    {
        var inbound = default(InboundBuffer);
        int size = inbound.GetMemory(8192).Length;
        byte[] fill = Enumerable.Repeat((byte)'x', size - 100).ToArray();
        Receive(ref inbound, fill);
        Receive(ref inbound, Encoding.ASCII.GetBytes("PUB a 3\r\n"));
        inbound.Consume(fill.Length); // 9 bytes left at the end, less than 8 KB of room behind them

        Memory<byte> room = inbound.GetMemory(8192);
        Assert.True(room.Length >= 8192);
        Assert.Equal("PUB a 3\r\n", Text(inbound.Unread)); // moved to the front, same array size
        Assert.Equal(size - 9, room.Length);

        // A payload larger than the array: what is unread is kept whole, in one span, as the array grows.
        var payload = new byte[3 * size];
        Random.Shared.NextBytes(payload);
        int written = 0;
        while (written < payload.Length)
        {
            Memory<byte> next = inbound.GetMemory(8192);
            int n = Math.Min(next.Length, payload.Length - written);
            payload.AsSpan(written, n).CopyTo(next.Span);
            inbound.Advance(n);
            written += n;
        }

        ReadOnlySequence<byte> unread = inbound.Unread;
        Assert.True(unread.IsSingleSegment);
        Assert.Equal(9 + payload.Length, unread.Length);
        Assert.True(unread.FirstSpan[9..].SequenceEqual(payload));
        inbound.Release();
        Assert.Equal(0, inbound.Length);
    }

    private static void Receive(ref InboundBuffer inbound, string text) => Receive(ref inbound, Encoding.ASCII.GetBytes(text));

    private static void Receive(ref InboundBuffer inbound, byte[] bytes)
    {
        Memory<byte> room = inbound.GetMemory(Math.Min(bytes.Length, 8192));
        bytes.CopyTo(room);
        inbound.Advance(bytes.Length);
    }

    private static string Text(ReadOnlySequence<byte> bytes) => Encoding.ASCII.GetString(bytes.ToArray());
}
