using System.Security.Cryptography;
using System.Text;
using NatsSharp.Server.SystemAccount;

namespace NatsSharp.Server.Tests.SystemAccount;

public sealed class ManagedSha256Tests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(55)] // the last length whose padding fits one block
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    public void Hashes_as_the_platform_SHA256_does(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);
        Assert.Equal(SHA256.HashData(data), ManagedSha256.Hash(data));
    }

    [Fact]
    public void Hashes_the_FIPS_example()
    {
        Assert.Equal(
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
            Convert.ToHexString(ManagedSha256.Hash(Encoding.ASCII.GetBytes("abc"))));
    }
}
