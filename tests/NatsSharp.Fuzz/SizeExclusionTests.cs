using System.Text;

namespace NatsSharp.Fuzz;

/// <summary>The exclusion <see cref="StreamGenerator.SizeWithLeadingZeros"/>: which streams it takes, and which it leaves compared.</summary>
public sealed class SizeExclusionTests
{
    [Fact]
    public void Seed_2024431_a_PUB_size_of_010_is_excluded()
    {
        FuzzStream stream = StreamGenerator.Create(2024431, FuzzProfile.Token, FuzzPort.Client);
        Assert.Contains("\t010 \r\n", Encoding.Latin1.GetString(stream.Bytes), StringComparison.Ordinal);
        Assert.Equal(StreamGenerator.SizeWithLeadingZeros, stream.Deliberate);
    }

    [Theory]
    [InlineData("PUB foo 010\r\n0123456789\r\n")]
    [InlineData("pub foo r 00\r\n\r\n")]
    [InlineData("HPUB foo 012 12\r\nNATS/1.0\r\n\r\n\r\n")]
    [InlineData("HPUB foo 12 012\r\nNATS/1.0\r\n\r\n\r\n")]
    [InlineData("RMSG $G foo 01\r\nx\r\n")]
    [InlineData("LMSG foo\t01\r\nx\r\n")]
    public void A_message_size_with_a_leading_zero_is_excluded(string stream) =>
        Assert.True(StreamGenerator.HasSizeWithLeadingZeros(Encoding.Latin1.GetBytes(stream)), stream);

    [Theory]
    [InlineData("PUB foo 10\r\n0123456789\r\n")]
    [InlineData("PUB foo 0\r\n\r\n")]
    [InlineData("PUB foo 010 10\r\n0123456789\r\n")] // the reply is 010, the size 10
    [InlineData("SUB foo 01\r\n")]
    [InlineData("HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n")]
    public void Other_streams_stay_compared(string stream) =>
        Assert.False(StreamGenerator.HasSizeWithLeadingZeros(Encoding.Latin1.GetBytes(stream)), stream);
}
