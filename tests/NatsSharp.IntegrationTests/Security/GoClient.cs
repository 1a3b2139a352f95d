using System.Diagnostics;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// The official Go client (nats.go from Debian's golang-github-nats-io-go-nats-dev), built at test time
/// in GOPATH mode: it speaks nkeys and TLS the way Go deployments do. Missing Go or the package fails loudly.
/// </summary>
internal static class GoClient
{
    private const string Install = "apt-get install -y golang-go golang-github-nats-io-go-nats-dev golang-github-nats-io-nkeys-dev";

    private const string Source = """
        package main

        import (
        	"fmt"
        	"os"
        	"time"

        	"github.com/nats-io/nats.go"
        )

        // Connects with what the environment asks for, does a publish/subscribe round trip, prints OK or ERR.
        func main() {
        	opts := []nats.Option{nats.Timeout(5 * time.Second), nats.NoReconnect()}
        	if seed := os.Getenv("NKEY_SEED_FILE"); seed != "" {
        		o, err := nats.NkeyOptionFromSeed(seed)
        		if err != nil {
        			fmt.Println("ERR", err)
        			os.Exit(1)
        		}
        		opts = append(opts, o)
        	}
        	if ca := os.Getenv("CA_FILE"); ca != "" {
        		opts = append(opts, nats.RootCAs(ca))
        	}
        	if cert := os.Getenv("CERT_FILE"); cert != "" {
        		opts = append(opts, nats.ClientCert(cert, os.Getenv("KEY_FILE")))
        	}
        	nc, err := nats.Connect(os.Args[1], opts...)
        	if err != nil {
        		fmt.Println("ERR", err)
        		os.Exit(1)
        	}
        	defer nc.Close()
        	sub, err := nc.SubscribeSync("go.check")
        	if err == nil {
        		err = nc.Publish("go.check", []byte("hi"))
        	}
        	if err == nil {
        		_, err = sub.NextMsg(5 * time.Second)
        	}
        	if err != nil {
        		fmt.Println("ERR", err)
        		os.Exit(1)
        	}
        	fmt.Println("OK")
        }
        """;

    private static readonly Lazy<Task<string>> Binary = new(BuildAsync);

    /// <summary>Runs the client against <paramref name="url"/>; returns its one-line verdict ("OK" or "ERR ...").</summary>
    public static async Task<string> RunAsync(string url, IReadOnlyDictionary<string, string>? environment = null)
    {
        string binary = await Binary.Value;
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(url);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("the Go client did not finish in 30 s");
        }

        return ((await stdout).Trim() + " " + (await stderr).Trim()).Trim();
    }

    private static Task<string> BuildAsync() => GoProgram.BuildAsync(Source, "github.com/nats-io/nats.go", "the Go NATS client", Install);
}
