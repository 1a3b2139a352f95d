namespace NatsSharp.Fuzz;

/// <summary>
/// The observer stays connected through a long run: both servers close a connection that leaves
/// their PINGs unanswered (a run of over 4 minutes lost its observer to that before).
/// </summary>
public sealed class ObserverTests
{
    [Fact]
    public async Task The_observer_answers_server_pings_on_both_servers()
    {
        // Unanswered, the third PING past ping_max 2 closes the connection as stale: about 1.5 s after
        // CONNECT. Answered once (the RTT), PINGs stop while the observer publishes its markers.
        var profile = new FuzzProfile("pings", "ping_interval: \"500ms\"\nping_max: 2\n", "", 1024 * 1024, Peers: false);
        await using FuzzServer ours = await FuzzServer.StartNatsSharpAsync(profile);
        await using FuzzServer reference = await FuzzServer.StartReferenceAsync(profile);
        for (int i = 0; i < 60 || ours.Observer.PingsAnswered == 0 || reference.Observer.PingsAnswered == 0; i++)
        {
            Assert.True(i < 600, $"PINGs answered in 30 s: {ours.Observer.PingsAnswered} to NatsSharp, {reference.Observer.PingsAnswered} to nats-server");

            // Each drain reads (and answers) what came; a closed observer throws here.
            Assert.Empty(await ours.Observer.DrainAsync());
            Assert.Empty(await reference.Observer.DrainAsync());
            await Task.Delay(50); // pacing: 60 rounds outlast the stale close of an observer that never answers
        }
    }
}
