using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>The broker as a library: in a Generic Host, and several instances in one process.</summary>
public class EmbeddingTests
{
    [Fact]
    public async Task Runs_inside_a_generic_host()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddNatsServer(o =>
        {
            o.Host = "127.0.0.1";
            o.Port = ServerOptions.RandomPort;
            o.ServerName = "embedded";
        });
        using IHost host = builder.Build();
        await host.StartAsync();
        NatsServer server = host.Services.GetRequiredService<NatsServer>();
        Assert.True(server.Port > 0);

        await using (RawClient c = await RawClient.ConnectedAsync(server.Port))
        {
            Assert.Contains("\"server_name\":\"embedded\"", c.Info);
        }

        await host.StopAsync();
        Assert.True(server.Stopped.IsCompleted);
        var refused = await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => RawClient.ConnectAsync(server.Port));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode); // nothing listens any more
    }

    [Fact]
    public async Task Several_servers_in_one_process_are_independent()
    {
        await using var a = await TestServer.StartAsync(o => o.ServerName = "a");
        await using var b = await TestServer.StartAsync(o => o.ServerName = "b");
        Assert.NotEqual(a.Port, b.Port);
        Assert.NotEqual(a.Server.ServerId, b.Server.ServerId);

        await using var subA = await RawClient.ConnectedAsync(a.Port);
        await subA.SendAsync("SUB x 1\r\nPING\r\n");
        await subA.ExpectAsync("PONG");
        await using var pubB = await RawClient.ConnectedAsync(b.Port);
        await pubB.SendAsync("PUB x 1\r\nb\r\nPING\r\n");
        await pubB.ExpectAsync("PONG");
        await using var pubA = await RawClient.ConnectedAsync(a.Port);
        await pubA.SendAsync("PUB x 1\r\na\r\nPING\r\n");
        await pubA.ExpectAsync("PONG");

        await subA.ExpectAsync("MSG x 1 1");
        await subA.ExpectAsync("a"); // only a's message: b is another server
        Assert.Equal(1, a.Server.Stats.OutMsgs);
        Assert.Equal(0, b.Server.Stats.OutMsgs);
        Assert.Equal(1, b.Server.Stats.InMsgs);
    }

    [Fact]
    public async Task Stop_closes_connected_clients()
    {
        var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await server.DisposeAsync();
        Assert.Empty(await c.ReadUntilClosedAsync());
    }
}
