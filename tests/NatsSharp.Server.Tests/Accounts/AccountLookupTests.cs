using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Tests.Accounts;

/// <summary>A routed message names its account in UTF-8 bytes: the look-up by bytes finds what the look-up by name does, without a string.</summary>
public sealed class AccountLookupTests
{
    [Fact]
    public async Task An_account_is_found_by_its_utf8_name_without_allocating()
    {
        string longName = new('L', 200); // past the stack buffer: looked up through a string
        var options = new ServerOptions
        {
            Host = "127.0.0.1",
            Port = ServerOptions.RandomPort,
            Accounts =
            [
                new AccountOptions { Name = "A", Users = [new User { Username = "a", Password = "a" }] },
                new AccountOptions { Name = "ÅB", Users = [new User { Username = "b", Password = "b" }] },
                new AccountOptions { Name = longName, Users = [new User { Username = "l", Password = "l" }] },
            ],
        };
        await using var server = new NatsServer(options);
        AccountRegistry accounts = server.Accounts;

        Assert.Same(accounts.Find("A"), accounts.Find("A"u8));
        Assert.Same(accounts.Find("ÅB"), accounts.Find(Encoding.UTF8.GetBytes("ÅB")));
        Assert.Same(accounts.Global, accounts.Find("$G"u8));
        Assert.Same(accounts.Find(longName), accounts.Find(Encoding.UTF8.GetBytes(longName)));
        Assert.NotNull(accounts.Find("A"u8));
        Assert.Null(accounts.Find("a"u8));
        Assert.Null(accounts.Find("A "u8));
        Assert.Null(accounts.Find(ReadOnlySpan<byte>.Empty));
        Assert.Null(accounts.Find(new byte[] { 0xFF, 0x41 })); // invalid UTF-8: no account, as through GetString

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            accounts.Find("A"u8);
            accounts.Find("none"u8);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
