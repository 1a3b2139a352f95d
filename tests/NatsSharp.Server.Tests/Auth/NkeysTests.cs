using System.Text;
using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Tests.Auth;

public class NkeysTests
{
    // Made with github.com/nats-io/nkeys (Go): FromSeed(seed).PublicKey() and Sign("abcdefghijklmno").
    private const string Seed = "SUAOTBNEUHZDFJT3EUMELT7MQTP24JF3XVCXQNDSCU74G5IU6VAJBKH5LI";
    private const string PublicKey = "UDE6WTGLTTPCRJRJCKBJRGVNZTLIVR7LEEELR4CYWWWBKJS7XYIKXDUU";
    private const string GoSignatureHex = "53be69319b46adcd4c3e1f922afec4b77a570eaa2cf6bd8eeaf7bfebf3ae0ec823ada2ed9a2cd93f179f4438b40e607c8b35fbd07b798270a57e830fbfe62008";

    [Fact]
    public void Public_key_of_a_seed_matches_the_go_library()
    {
        Assert.Equal(PublicKey, Nkeys.PublicKeyFromSeed(Seed));
    }

    [Fact]
    public void Signature_made_by_the_go_library_verifies_and_ours_is_identical()
    {
        byte[] nonce = Encoding.ASCII.GetBytes("abcdefghijklmno");
        byte[] goSig = Convert.FromHexString(GoSignatureHex);
        Assert.True(Nkeys.Verify(PublicKey, nonce, goSig));
        Assert.Equal(goSig, Nkeys.Sign(Seed, nonce)); // Ed25519 is deterministic
        Assert.False(Nkeys.Verify(PublicKey, Encoding.ASCII.GetBytes("abcdefghijklmnX"), goSig));
    }

    [Theory]
    [InlineData("UDKTV7HZVYJFJN64LLMYQBUR6MTNNYCDC3LAZH4VHURW3GZLL3FULBXV", true)]
    [InlineData("UA3C5TBZYK5GJQJRWPMU6NFY5JNAEVQB2V2TUZFZDHFJFUYVKTTUOFKZ", true)]
    [InlineData("UDKTV7HZVYJFJN64LLMYQBUR6MTNNYCDC3LAZH4VHURW3GZLL3FULBXW", false)] // checksum
    [InlineData("ADKTV7HZVYJFJN64LLMYQBUR6MTNNYCDC3LAZH4VHURW3GZLL3FULBXV", false)] // account prefix
    [InlineData("SUAOTBNEUHZDFJT3EUMELT7MQTP24JF3XVCXQNDSCU74G5IU6VAJBKH5LI", false)] // a seed
    [InlineData("not-a-key", false)]
    [InlineData("", false)]
    public void Public_user_key_validation(string key, bool valid)
    {
        Assert.Equal(valid, Nkeys.IsValidPublicUserKey(key));
    }

    [Fact]
    public void Created_pairs_round_trip()
    {
        var (seed, pub) = Nkeys.CreateUser();
        Assert.StartsWith("SU", seed);
        Assert.StartsWith("U", pub);
        Assert.Equal(pub, Nkeys.PublicKeyFromSeed(seed));
        Assert.True(Nkeys.Verify(pub, "n"u8, Nkeys.Sign(seed, "n"u8)));
    }
}
