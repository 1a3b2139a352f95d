using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Tests.Auth;

public class BcryptTests
{
    // Made by Go's golang.org/x/crypto/bcrypt (what nats-server and its mkpasswd use) from "password".
    private const string GoHash = "$2a$04$00ZTeZwgPZqgE/pTzmRPdOmlKy9z80EhLbTWhhy9udCB8TqVoKBHi";

    [Fact]
    public void Hash_made_by_go_verifies()
    {
        Assert.True(Bcrypt.IsHash(GoHash));
        Assert.True(Bcrypt.Verify(GoHash, "password"));
        Assert.False(Bcrypt.Verify(GoHash, "Password"));
    }

    [Theory]
    [InlineData("2a")]
    [InlineData("2b")]
    [InlineData("2x")]
    [InlineData("2y")]
    public void All_prefixes_nats_server_accepts_verify(string version)
    {
        string hash = BCrypt.Net.BCrypt.HashPassword("s3cret", BCrypt.Net.BCrypt.GenerateSalt(4, version[1]));
        Assert.StartsWith($"${version}$04$", hash);
        Assert.True(Bcrypt.IsHash(hash));
        Assert.True(Bcrypt.Verify(hash, "s3cret"));
        Assert.False(Bcrypt.Verify(hash, "s3cre"));
    }

    [Theory]
    [InlineData("plain", false)]
    [InlineData("$2a$", false)]
    [InlineData("$2z$10$abc", false)]
    [InlineData("$2a$10$abc", true)]
    public void Is_hash_follows_nats_server(string secret, bool expected)
    {
        Assert.Equal(expected, Bcrypt.IsHash(secret));
    }

    [Fact]
    public void Broken_hash_never_matches_and_never_throws()
    {
        Assert.False(Bcrypt.Verify("$2a$10$tooshort", "x"));
    }
}
