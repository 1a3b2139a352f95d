using NatsSharp.Server.Configuration;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>The Go library behaviour the config messages depend on.</summary>
public sealed class GoCompatTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("30s", 30_000_000_000L)]
    [InlineData("1m30s", 90_000_000_000L)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("1.5h", 5_400_000_000_000L)]
    [InlineData("-2s", -2_000_000_000L)]
    [InlineData("+3us", 3_000L)]
    [InlineData("3µs", 3_000L)]
    [InlineData("10ns", 10L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1.s", 1_000_000_000L)]
    public void ParseDuration(string text, long nanoseconds)
    {
        Assert.True(GoDuration.TryParse(text, out long value, out string error), error);
        Assert.Equal(nanoseconds, value);
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("s", "time: invalid duration \"s\"")]
    [InlineData("30", "time: missing unit in duration \"30\"")]
    [InlineData("30x", "time: unknown unit \"x\" in duration \"30x\"")]
    [InlineData("1.5.s", "time: missing unit in duration \"1.5.s\"")]
    [InlineData("99999999999999999999s", "time: invalid duration \"99999999999999999999s\"")]
    [InlineData("3000000h", "time: invalid duration \"3000000h\"")]
    [InlineData("1ü", "time: unknown unit \"\\xc3\\xbc\" in duration \"1\\xc3\\xbc\"")]
    public void ParseDurationErrors(string text, string message)
    {
        Assert.False(GoDuration.TryParse(text, out _, out string error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(10_000_000_000L, "10s")]
    [InlineData(29_500_000_000L, "29.5s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(-3_600_000_000_000L, "-1h0m0s")]
    [InlineData(500_000_000L, "500ms")]
    [InlineData(1_500_000L, "1.5ms")]
    [InlineData(12_000L, "12µs")]
    [InlineData(7L, "7ns")]
    public void FormatDuration(long nanoseconds, string text)
    {
        Assert.Equal(text, GoDuration.Format(nanoseconds));
    }

    [Theory]
    [InlineData("foo", "\"foo\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("a\tb\n", "\"a\\tb\\n\"")]
    [InlineData("\u0001", "\"\\x01\"")]
    [InlineData("ünï", "\"ünï\"")]
    [InlineData("\ufeffport", "\"\\ufeffport\"")]
    public void Quote(string text, string quoted)
    {
        Assert.Equal(quoted, GoQuote.Quote(text));
    }

    [Theory]
    [InlineData("cf", "./inc.conf", "cf/inc.conf")]
    [InlineData(".", "./inc.conf", "inc.conf")]
    [InlineData("/etc/nats", "../x.conf", "/etc/x.conf")]
    [InlineData("/etc/nats", "/abs.conf", "/etc/nats/abs.conf")] // Go's Join appends even absolute paths
    [InlineData("a//b/", "c/./d", "a/b/c/d")]
    public void Join(string dir, string elem, string expected)
    {
        Assert.Equal(expected, GoCompat.Join(dir, elem));
    }

    [Theory]
    [InlineData("cf/t.conf", "cf")]
    [InlineData("t.conf", ".")]
    [InlineData("/t.conf", "/")]
    [InlineData("", ".")]
    public void Dir(string path, string expected)
    {
        Assert.Equal(expected, GoCompat.Dir(path));
    }

    [Theory]
    [InlineData("127.0.0.1:4222", true, "127.0.0.1", "4222")]
    [InlineData(":4222", true, "", "4222")]
    [InlineData("[::1]:4222", true, "::1", "4222")]
    [InlineData("host:", true, "host", "")]
    [InlineData("127.0.0.1", false, "", "")]
    [InlineData("a:b:c", false, "", "")]
    [InlineData("[::1]", false, "", "")]
    [InlineData("[::1]x:5", false, "", "")]
    [InlineData("a]:5", false, "", "")]
    public void SplitHostPort(string text, bool ok, string host, string port)
    {
        Assert.Equal(ok, GoCompat.TrySplitHostPort(text, out string h, out string p));
        if (ok)
        {
            Assert.Equal((host, port), (h, p));
        }
    }
}
