using System.Diagnostics;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Asynchronous INFO (connect_urls changes, lame duck) reaches a client only after its first PONG,
/// side by side with nats-server 2.9.10: a client that sent CONNECT and waits for its PONG must never
/// read INFO first (nats.go: "expected 'PONG', got 'INFO'").
/// </summary>
public class AsyncInfoTests
{
    private const int SigUsr2 = 12;

    // Goroutines that each connect (CONNECT+PING, wait for PONG) and close, again and again.
    private const string GoConnectLoop = """
        package main

        import (
        	"fmt"
        	"os"
        	"strconv"
        	"sync"
        	"time"

        	"github.com/nats-io/nats.go"
        )

        func main() {
        	workers, _ := strconv.Atoi(os.Args[2])
        	each, _ := strconv.Atoi(os.Args[3])
        	var wg sync.WaitGroup
        	var mu sync.Mutex
        	var failure error
        	for w := 0; w < workers; w++ {
        		wg.Add(1)
        		go func() {
        			defer wg.Done()
        			for i := 0; i < each; i++ {
        				nc, err := nats.Connect(os.Args[1], nats.Timeout(5*time.Second), nats.NoReconnect())
        				if err != nil {
        					mu.Lock()
        					failure = err
        					mu.Unlock()
        					return
        				}
        				nc.Close()
        			}
        		}()
        	}
        	wg.Wait()
        	if failure != nil {
        		fmt.Println("ERR", failure)
        		os.Exit(1)
        	}
        	fmt.Println("OK")
        }
        """;

    [Fact]
    public async Task A_route_that_forms_before_the_first_PING_is_told_after_the_PONG_as_in_nats_server()
    {
        List<string> expected;
        int realCluster = FreePort.Next();
        await using (var realA = await RealNatsServer.StartAsync("-n", "A", "--cluster", $"nats://127.0.0.1:{realCluster}", "--cluster_name", "c"))
        {
            expected = await RouteFormsBeforeFirstPingAsync(realA.Port, async () =>
            {
                var b = await RealNatsServer.StartAsync("-n", "B", "--cluster", $"nats://127.0.0.1:{FreePort.Next()}", "--cluster_name", "c", "--routes", $"nats-route://127.0.0.1:{realCluster}");
                return (b, b.Port);
            });
        }

        List<string> actual;
        await using (var a = await ClusterTests.StartNodeAsync("A"))
        {
            actual = await RouteFormsBeforeFirstPingAsync(a.Port, async () =>
            {
                var b = await ClusterTests.StartNodeAsync("B", a.Server.ClusterPort);
                return (b, b.Port);
            });
        }

        string[] told = ["ready: INFO [A,B]", "waiting: PONG", "waiting: INFO [A,B]", "waiting: PONG", "legacy: PONG", "legacy: PONG"];
        Assert.Equal(told, expected);
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Clients of A: "waiting" (protocol 1, CONNECT processed, no PING yet), "legacy" (protocol 0, the
    /// same) and "ready" (protocol 1, had its PONG). A route to a new node B then forms; what each reads.
    /// </summary>
    private static async Task<List<string>> RouteFormsBeforeFirstPingAsync(int port, Func<Task<(IAsyncDisposable Node, int Port)>> startPeer)
    {
        await using var waiting = await RawClient.ConnectAsync(port);
        await waiting.SendAsync("CONNECT {\"verbose\":true,\"protocol\":1}\r\n");
        await waiting.ExpectAsync("+OK"); // the CONNECT is processed; no PING yet
        await using var legacy = await RawClient.ConnectAsync(port);
        await legacy.SendAsync("CONNECT {\"verbose\":true,\"protocol\":0}\r\n");
        await legacy.ExpectAsync("+OK");
        await using var ready = await RawClient.ConnectedAsync(port, "{\"verbose\":false,\"protocol\":1}");

        (IAsyncDisposable peer, int peerPort) = await startPeer();
        await using (peer)
        {
            string Show(string line) => line.StartsWith("INFO ", StringComparison.Ordinal) ? "INFO " + Urls(line, port, peerPort) : line;
            var seen = new List<string> { "ready: " + Show(await ready.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(10))) }; // A has the route now

            await waiting.SendAsync("PING\r\n");
            seen.Add("waiting: " + Show(await waiting.ReadLineSkippingPingsAsync()));
            seen.Add("waiting: " + Show(await waiting.ReadLineSkippingPingsAsync()));
            await waiting.SendAsync("PING\r\n");
            seen.Add("waiting: " + Show(await waiting.ReadLineSkippingPingsAsync())); // not told twice

            for (int i = 0; i < 2; i++)
            {
                await legacy.SendAsync("PING\r\n");
                seen.Add("legacy: " + Show(await legacy.ReadLineSkippingPingsAsync()));
            }

            return seen;
        }
    }

    [Fact]
    public async Task Lame_duck_tells_only_clients_past_their_first_PONG_and_lists_only_the_other_nodes_as_in_nats_server()
    {
        string expected;
        int realCluster = FreePort.Next();
        await using (var realA = await RealNatsServer.StartAsync("-n", "A", "--cluster", $"nats://127.0.0.1:{realCluster}", "--cluster_name", "c"))
        await using (var realB = await RealNatsServer.StartAsync("-n", "B", "--cluster", $"nats://127.0.0.1:{FreePort.Next()}", "--cluster_name", "c", "--routes", $"nats-route://127.0.0.1:{realCluster}"))
        {
            expected = await LameDuckOfBAsync(realA.Port, realB.Port, () =>
            {
                realB.Signal(SigUsr2);
                return Task.CompletedTask;
            });
        }

        string actual;
        await using (var a = await ClusterTests.StartNodeAsync("A"))
        await using (var b = await ClusterTests.StartNodeAsync("B", a.Server.ClusterPort))
        {
            Task? lameDuck = null;
            actual = await LameDuckOfBAsync(a.Port, b.Port, () =>
            {
                lameDuck = b.Server.LameDuckAsync();
                return Task.CompletedTask;
            });
            await b.DisposeAsync();
            await lameDuck!.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal("told: INFO ldm [A]; waiting: PONG,PONG", expected);
        Assert.Equal(expected, actual);
    }

    /// <summary>Clients of B ("told" had its PONG, "waiting" only sent CONNECT); B enters lame duck.</summary>
    private static async Task<string> LameDuckOfBAsync(int portA, int portB, Func<Task> enterLameDuck)
    {
        string lastInfo = "";
        bool advertised = await Eventually.ReachedAsync(
            async () =>
            {
                await using var probe = await RawClient.ConnectAsync(portB);
                lastInfo = probe.Info;
                return Urls(probe.Info, portA, portB) == "[B,A]"; // B knows A's client URL
            },
            TimeSpan.FromSeconds(5),
            TimeSpan.FromMilliseconds(50));
        Assert.True(advertised, "B never advertised A: " + lastInfo);

        await using var told = await RawClient.ConnectedAsync(portB, "{\"verbose\":false,\"protocol\":1}");
        await using var waiting = await RawClient.ConnectAsync(portB);
        await waiting.SendAsync("CONNECT {\"verbose\":true,\"protocol\":1}\r\n");
        await waiting.ExpectAsync("+OK");

        await enterLameDuck();
        string info = await told.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("INFO ", info);
        using JsonDocument json = JsonDocument.Parse(info["INFO ".Length..]);
        bool ldm = json.RootElement.TryGetProperty("ldm", out JsonElement flag) && flag.GetBoolean();

        // B told its clients already: one still before its first PONG hears nothing of it, then or later.
        var pongs = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            await waiting.SendAsync("PING\r\n");
            pongs.Add(await waiting.ReadLineSkippingPingsAsync());
        }

        return $"told: INFO {(ldm ? "ldm " : "")}{Urls(info, portA, portB)}; waiting: {string.Join(",", pongs)}";
    }

    [Fact]
    public async Task Go_clients_connecting_while_routes_come_and_go_all_connect()
    {
        string program = await GoProgram.BuildAsync(GoConnectLoop, "github.com/nats-io/nats.go", "the Go NATS client",
            "apt-get install -y golang-go golang-github-nats-io-go-nats-dev");
        await using var a = await ClusterTests.StartNodeAsync("A");
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { $"nats://127.0.0.1:{a.Port}", "4", "150" })
        {
            psi.ArgumentList.Add(arg);
        }

        using Process go = Process.Start(psi)!;
        Task<string> stdout = go.StandardOutput.ReadToEndAsync();
        Task<string> stderr = go.StandardError.ReadToEndAsync();

        // A fake peer joins and leaves over and over: each time A's connect_urls grow and shrink,
        // and A sends its clients an async INFO while Go clients are between CONNECT and PONG.
        int cycles = 0;
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60); !go.HasExited && cycles < 2000 && DateTime.UtcNow < deadline; cycles++)
        {
            await using var peer = await RawClient.ConnectAsync(a.Server.ClusterPort);
            await peer.SendAsync(
                $"CONNECT {{\"verbose\":false,\"pedantic\":false,\"name\":\"NFAKE{cycles}\",\"cluster\":\"test-cluster\",\"headers\":true}}\r\n" +
                $"INFO {{\"server_id\":\"NFAKE{cycles}\",\"server_name\":\"F{cycles}\",\"cluster\":\"test-cluster\",\"proto\":2,\"headers\":true,\"connect_urls\":[\"127.0.0.1:1\"]}}\r\nPING\r\n");
            for (int line = 0; line < 50 && await peer.ReadLineAsync() != "PONG"; line++)
            {
            }

            if (cycles == 0)
            {
                Assert.Contains("127.0.0.1:1", a.Server.ConnectUrlsForClients() ?? []); // the peer's URL is advertised
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await go.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            go.Kill(entireProcessTree: true);
            Assert.Fail("the Go clients did not finish in time");
        }

        Assert.True(cycles > 1, "the peer never came and went while the Go clients connected");
        Assert.Equal("OK", ((await stdout).Trim() + " " + (await stderr).Trim()).Trim());
    }

    /// <summary>The INFO's connect_urls in order, with node A's and node B's client URLs shown as A and B.</summary>
    private static string Urls(string infoLine, int portA, int portB)
    {
        using JsonDocument json = JsonDocument.Parse(infoLine["INFO ".Length..]);
        if (!json.RootElement.TryGetProperty("connect_urls", out JsonElement urls))
        {
            return "[]";
        }

        return "[" + string.Join(",", urls.EnumerateArray().Select(u => u.GetString() switch
        {
            var s when s == $"127.0.0.1:{portA}" => "A",
            var s when s == $"127.0.0.1:{portB}" => "B",
            var s => s,
        })) + "]";
    }
}
