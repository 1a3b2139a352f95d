using System.Diagnostics;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// An operator, an account and a user made with the official Go jwt library (Debian's
/// golang-github-nats-io-jwt-dev, built at test time in GOPATH mode): the files a real
/// nats-server in operator mode and a leaf's <c>credentials</c> need. Missing Go fails loudly.
/// </summary>
internal sealed class GoJwt
{
    private const string Install = "apt-get install -y golang-go golang-github-nats-io-jwt-dev golang-github-nats-io-nkeys-dev";

    private const string Source = """
        package main

        import (
        	"fmt"
        	"os"
        	"path/filepath"

        	"github.com/nats-io/jwt/v2"
        	"github.com/nats-io/nkeys"
        )

        func must(err error) {
        	if err != nil {
        		fmt.Println("ERR", err)
        		os.Exit(1)
        	}
        }

        // Writes op.jwt (operator), user.creds (a user of the account), stranger.creds (a user signed
        // by an account the operator never issued); prints the account's public key and JWT.
        func main() {
        	dir := os.Args[1]
        	okp, _ := nkeys.CreateOperator()
        	opub, _ := okp.PublicKey()
        	oc := jwt.NewOperatorClaims(opub)
        	oc.Name = "TESTOP"
        	ojwt, err := oc.Encode(okp)
        	must(err)
        	akp, _ := nkeys.CreateAccount()
        	apub, _ := akp.PublicKey()
        	ac := jwt.NewAccountClaims(apub)
        	ac.Name = "TESTACC"
        	ajwt, err := ac.Encode(okp)
        	must(err)
        	must(os.WriteFile(filepath.Join(dir, "op.jwt"), []byte(ojwt), 0600))
        	must(writeUser(akp, filepath.Join(dir, "user.creds")))
        	other, _ := nkeys.CreateAccount()
        	must(writeUser(other, filepath.Join(dir, "stranger.creds")))
        	fmt.Println(apub)
        	fmt.Println(ajwt)
        }

        func writeUser(account nkeys.KeyPair, file string) error {
        	ukp, _ := nkeys.CreateUser()
        	upub, _ := ukp.PublicKey()
        	uc := jwt.NewUserClaims(upub)
        	uc.Name = "leafuser"
        	ujwt, err := uc.Encode(account)
        	if err != nil {
        		return err
        	}
        	seed, _ := ukp.Seed()
        	creds, err := jwt.FormatUserConfig(ujwt, seed)
        	if err != nil {
        		return err
        	}
        	return os.WriteFile(file, creds, 0600)
        }
        """;

    private static readonly Lazy<Task<string>> Binary = new(BuildAsync);

    private GoJwt(string dir, string accountKey, string accountJwt)
    {
        OperatorJwtFile = Path.Combine(dir, "op.jwt");
        UserCreds = Path.Combine(dir, "user.creds");
        StrangerCreds = Path.Combine(dir, "stranger.creds");
        AccountKey = accountKey;
        AccountJwt = accountJwt;
    }

    public string OperatorJwtFile { get; }

    public string AccountKey { get; }

    public string AccountJwt { get; }

    /// <summary>Creds of a user of the operator's account.</summary>
    public string UserCreds { get; }

    /// <summary>Creds of a user of an account the operator never signed.</summary>
    public string StrangerCreds { get; }

    /// <summary>The hub config lines for operator mode with an in-memory resolver that knows the account.</summary>
    public string OperatorConfig =>
        $"operator: \"{OperatorJwtFile}\"\nresolver: MEMORY\nresolver_preload {{ {AccountKey}: \"{AccountJwt}\" }}\n";

    public static async Task<GoJwt> CreateAsync(string dir)
    {
        string binary = await Binary.Value;
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dir);
        using Process p = Process.Start(psi)!;
        string output = await p.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (p.ExitCode != 0 || lines.Length != 2)
        {
            throw new InvalidOperationException("the Go jwt generator failed: " + output);
        }

        return new GoJwt(dir, lines[0], lines[1]);
    }

    private static Task<string> BuildAsync() => GoProgram.BuildAsync(Source, "github.com/nats-io/jwt/v2", "the Go jwt library", Install);
}
